/**
 * Busy is not blocked (issue 12): a plugin kept busy by a steady event stream still
 * runs its own timers (the SDK yields between batches), so the heartbeat keeps moving
 * and the plugin is not restarted as "blocked".
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testRuntime } from '../helpers.js';

test('a consumer busy with a steady event stream is not restarted as blocked', async () => {
  const t = testRuntime({ limits: { blockTimeoutMs: 400 } });
  try {
    // Each event costs the plugin 5 ms; the host sends one every millisecond, for 3 s.
    await t.runtime.load({ url: './probe.mjs', id: 'busy', options: { subscribe: ['tick'], slowMs: 5 } });
    let i = 0;
    const timer = setInterval(() => t.runtime.emit('tick', i++), 1);
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    clearInterval(timer);
    const info = t.runtime.get('busy')!;
    assert.ok(!t.logs.has(/event loop blocked/, 'busy'), 'the plugin was taken for blocked');
    assert.equal(info.restarts, 0);
    assert.equal(info.state, 'running');
    const handled = (await t.runtime.invoke('busy', 'events') as unknown[]).length;
    assert.ok(handled > 100, `the plugin handled ${handled} events`);
  } finally {
    await t.close();
  }
});
