/**
 * Memory measured from the host (issue 12): on Node lines with worker.getHeapStatistics(),
 * a synchronous allocation loop is stopped while it runs, not after it ends, in the
 * plugin's thread and in its task threads.
 */
import assert from 'node:assert/strict';
import { Worker } from 'node:worker_threads';
import { test } from 'node:test';
import { isPaddockError, type StateChange } from '../../runtime/index.js';
import { testRuntime, waitFor } from '../helpers.js';

const hostHeapStatistics = typeof (Worker.prototype as { getHeapStatistics?: unknown }).getHeapStatistics === 'function';

test('external memory held by a loop that never yields is measured by the host and the plugin stopped while the loop runs', {
  skip: hostHeapStatistics ? false : `Node ${process.version} has no worker.getHeapStatistics() (22.16+, 24+): only the worker's own reading, taken when its loop turns`,
}, async () => {
  const t = testRuntime({ limits: { maxExternalMemoryMb: 64, blockTimeoutMs: 60_000, restartBackoffMs: 100 } });
  const crashes: StateChange[] = [];
  t.runtime.on('plugin:state', (change) => {
    if (change.to === 'crashed') crashes.push(change);
  });
  try {
    await t.runtime.load({ url: './fault-probe.mjs', id: 'hog' });
    // 30 s in a loop holding 200 MB: the heartbeat's reading would come after it ends.
    await t.runtime.invoke('hog', 'allocateSync', { mb: 200, ms: 30_000 });
    await waitFor(() => crashes.length > 0, 15_000, 'the plugin to be stopped');
    assert.ok(isPaddockError(crashes[0]!.error, 'PADDOCK_ERR_RESOURCE_LIMIT'), String(crashes[0]!.error));
    assert.match(crashes[0]!.error!.message, /limits\.maxExternalMemoryMb \(64 MB\)/);
  } finally {
    await t.close();
  }
});

test('a task thread holding external memory past the plugin\'s limit is terminated and its task fails, the plugin goes on', {
  skip: hostHeapStatistics ? false : `Node ${process.version} has no worker.getHeapStatistics() (22.16+, 24+): task threads are not measured there`,
}, async () => {
  const t = testRuntime();
  try {
    await t.runtime.load({ url: './tasks-plugin.ts', id: 'hoarder', limits: { maxExternalMemoryMb: 64 }, pool: { size: 1 } });
    const error = await t.runtime.runTask('hoarder', 'hoard', { mb: 200, ms: 30_000 }).then(() => undefined, (e: unknown) => e);
    assert.ok(isPaddockError(error, 'PADDOCK_ERR_RESOURCE_LIMIT'), String(error));
    assert.match((error as Error).message, /^plugin "hoarder" went past limits\.maxExternalMemoryMb \(64 MB\) and its task "hoard" was stopped: the task's thread held \d+ MB/);
    assert.equal(t.runtime.get('hoarder')?.state, 'running');
    assert.equal(await t.runtime.runTask('hoarder', 'add', { a: 1, b: 2 }), 3);
  } finally {
    await t.close();
  }
});

for (const kind of ['sab', 'memory', 'plain-memory', 'module'] as const) {
  const what = {
    sab: 'a growable SharedArrayBuffer', memory: 'a shared WebAssembly.Memory', 'plain-memory': 'a WebAssembly.Memory', module: 'a WebAssembly module\'s own shared memory',
  }[kind];
  test(`${what} counts against maxExternalMemoryMb (V8 does not count it on every line); under a limit that allows it, it works`, async () => {
    const t = testRuntime({ limits: { restartBackoffMs: 100 } });
    const crashes: StateChange[] = [];
    t.runtime.on('plugin:state', (change) => {
      if (change.to === 'crashed') crashes.push(change);
    });
    try {
      await t.runtime.load({ url: './fault-probe.mjs', id: 'roomy', limits: { maxExternalMemoryMb: 1024 } });
      assert.equal(await t.runtime.invoke('roomy', 'growable', { kind, mb: 128 }), kind);
      await t.runtime.load({ url: './fault-probe.mjs', id: 'grower', limits: { maxExternalMemoryMb: 64 } });
      await t.runtime.invoke('grower', 'growable', { kind, mb: 128 }).catch(() => undefined);
      await waitFor(() => crashes.some((c) => c.id === 'grower'), 15_000, 'the plugin to be stopped');
      const crash = crashes.find((c) => c.id === 'grower')!;
      assert.ok(isPaddockError(crash.error, 'PADDOCK_ERR_RESOURCE_LIMIT'), String(crash.error));
      assert.equal(t.runtime.get('roomy')?.restarts, 0, 'the plugin under a roomy limit was left alone');
      assert.ok(!crashes.some((c) => c.id === 'roomy'));
    } finally {
      await t.close();
    }
  });
}
