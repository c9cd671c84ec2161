/**
 * Resource limits added with the permissions: calls in flight (both directions) and
 * memory outside the V8 heap, for both isolation tiers. A plugin past a limit is
 * refused or stopped; the host and the other plugins go on.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { defineMethod, isPaddockError, z, type StateChange } from '../runtime/index.js';
import { nextState, testRuntime, waitFor } from './helpers.js';

const PROBE = './limits-probe.mjs';

test('limits.maxConcurrentCalls: host → plugin calls past the limit are refused at once', async () => {
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'busy', limits: { maxConcurrentCalls: 2 } });
    const held = [rt.runtime.invoke('busy', 'hold'), rt.runtime.invoke('busy', 'hold')];
    await assert.rejects(rt.runtime.invoke('busy', 'hold'), (error: Error) => {
      assert.ok(isPaddockError(error, 'PADDOCK_ERR_TOO_MANY_CALLS'));
      assert.match(error.message, /plugin "busy" already has 2 calls in flight \(limits\.maxConcurrentCalls\)/);
      return true;
    });
    rt.runtime.emit('release');
    assert.deepEqual(await Promise.all(held), ['released', 'released']);
    assert.equal(await rt.runtime.invoke('busy', 'ping'), 'pong');
  } finally {
    await rt.close();
  }
});

test('limits.maxConcurrentCalls: plugin → host calls past the limit are refused', async () => {
  const pending: Array<() => void> = [];
  const rt = testRuntime({
    api: {
      slow: defineMethod({ scope: 'read', params: z.tuple([]), handler: () => new Promise<string>((resolve) => pending.push(() => resolve('done'))) }),
    },
  });
  try {
    await rt.runtime.load({ url: PROBE, id: 'flooder', limits: { maxConcurrentCalls: 3 } });
    const flood = rt.runtime.invoke('flooder', 'flood', { calls: 5 });
    await waitFor(() => pending.length === 3, 10_000, 'three host calls in flight');
    // The two past the limit must have been refused before any is released: released
    // first, a slot would free and a late call (the relay may deliver it a turn later) be let in.
    const refused = () => rt.runtime.metrics().plugins.find((p) => p.id === 'flooder')?.hostCalls.slow?.errors ?? 0;
    await waitFor(() => refused() === 2, 10_000, 'the two calls past the limit refused');
    for (const release of pending) release();
    const results = await flood as string[];
    assert.deepEqual([...results].sort(), ['PADDOCK_ERR_TOO_MANY_CALLS', 'PADDOCK_ERR_TOO_MANY_CALLS', 'ok', 'ok', 'ok']);
  } finally {
    await rt.close();
  }
});

for (const isolation of ['worker', 'process'] as const) {
  test(`limits.maxExternalMemoryMb (${isolation}): a plugin holding too many Buffers is stopped, the host goes on`, async () => {
    const rt = testRuntime();
    try {
      await rt.runtime.load({ url: PROBE, id: 'bystander', isolation });
      await rt.runtime.load({
        url: PROBE,
        id: 'hoarder',
        isolation,
        limits: { maxExternalMemoryMb: 32, maxOldGenerationSizeMb: 64, blockTimeoutMs: 2_000, maxRestarts: 0 },
      });
      const crashed = new Promise<StateChange>((resolve) => {
        rt.runtime.on('plugin:state', (change) => {
          if (change.id === 'hoarder' && change.to === 'crashed') resolve(change);
        });
      });
      const failed = nextState(rt.runtime, 'hoarder', 'failed');
      // Held by the plugin: 8 × 32 MB, well past the limit (and the host-side backstop of the process tier).
      for (let i = 0; i < 8; i++) await rt.runtime.invoke('hoarder', 'allocate', { mb: 32 }).catch(() => undefined);
      const change = await crashed;
      assert.match(change.reason ?? '', /external memory \(limits\.maxExternalMemoryMb 32\)/);
      assert.ok(isPaddockError(change.error, 'PADDOCK_ERR_RESOURCE_LIMIT'), String(change.error));
      await failed;
      assert.equal(rt.runtime.get('hoarder')?.lastError?.code, 'PADDOCK_ERR_START_FAILED');
      assert.equal(await rt.runtime.invoke('bystander', 'ping'), 'pong');
    } finally {
      await rt.close();
    }
  });
}
