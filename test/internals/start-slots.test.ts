import assert from 'node:assert/strict';
import { test } from 'node:test';
import { StartSlots } from '../../runtime/supervisor/start-slots.js';
import { testRuntime } from '../helpers.js';

test('start slots: at most `max` holders at once, the rest wait in order, a double release counts once', async () => {
  const slots = new StartSlots(2);
  const order: number[] = [];
  const releases: Array<() => void> = [];
  const waits = [0, 1, 2, 3, 4].map((i) => slots.acquire().then((release) => {
    order.push(i);
    releases.push(release);
  }));
  const turns = async (n: number) => {
    for (let i = 0; i < n; i++) await new Promise((resolve) => setImmediate(resolve));
  };
  await turns(1);
  assert.deepEqual(order, [0], 'one slot is handed out per event-loop turn');
  await turns(4);
  assert.deepEqual(order, [0, 1]);
  releases[0]!();
  releases[0]!();
  await turns(4);
  assert.deepEqual(order, [0, 1, 2], 'a second release of the same slot frees nothing');
  for (let i = 1; i < 5; i++) {
    releases[i]!();
    await turns(2);
  }
  await Promise.all(waits);
  assert.deepEqual(order, [0, 1, 2, 3, 4]);
});

test('loading a dozen plugins at once with maxConcurrentStarts 2: all of them start and run', async () => {
  const t = testRuntime({ maxConcurrentStarts: 2 });
  try {
    const infos = await Promise.all(Array.from({ length: 12 }, (_, i) => t.runtime.load({ url: './fault-probe.mjs', id: `p${i}` })));
    assert.equal(infos.filter((info) => info.state === 'running').length, 12);
    assert.equal(await t.runtime.invoke('p11', 'ping'), 'pong');
  } finally {
    await t.close();
  }
});
