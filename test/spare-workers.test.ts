import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testRuntime } from './helpers.js';

test('closing a runtime while its spare worker boots logs no boot failure', async () => {
  const t = testRuntime({ spareWorkers: 1 });
  // The spare is still booting: close() terminates it mid-boot.
  await t.close();
  assert.equal(t.logs.has('a spare plugin worker failed to boot'), false);
});

test('a plugin loads from a warm spare worker, and a new spare is made for the next one', async () => {
  const t = testRuntime({ spareWorkers: 1 });
  try {
    await t.runtime.warmUp();
    const first = await t.runtime.load({ url: './probe.mjs', id: 'first' });
    assert.equal(first.state, 'running');
    await t.runtime.warmUp();
    const second = await t.runtime.load({ url: './probe.mjs', id: 'second' });
    assert.equal(second.state, 'running');
    assert.deepEqual(await t.runtime.invoke('second', 'echo', { n: 1 }), { n: 1 });
    assert.equal(t.logs.lines.filter((l) => l.msg === 'plugin worker started from a warm spare').length, 2, 'both plugins started from a spare');
    // Other limits than the spares were made with: a fresh worker.
    await t.runtime.warmUp();
    await t.runtime.load({ url: './probe.mjs', id: 'third', limits: { maxOldGenerationSizeMb: 96 } });
    assert.equal(t.logs.lines.filter((l) => l.msg === 'plugin worker started from a warm spare').length, 2, 'a plugin with its own limits does not take a spare');
  } finally {
    await t.close();
  }
  assert.equal(t.logs.has('a spare plugin worker failed to boot'), false);
});
