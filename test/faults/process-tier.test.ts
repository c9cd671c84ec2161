/**
 * The process tier's supervision (issue 12): a child killed by a signal is reported as
 * such, and load/unload cycles leave nothing behind in the host.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger, type StateChange } from '../../runtime/index.js';
import { testRuntime, waitFor } from '../helpers.js';
import { pluginProcesses } from '../support/plugin-processes.js';

test('a plugin process killed by a signal is reported as killed by that signal, not as an exit code', async () => {
  const t = testRuntime({ limits: { restartBackoffMs: 100 } });
  const crashes: StateChange[] = [];
  t.runtime.on('plugin:state', (change) => {
    if (change.to === 'crashed') crashes.push(change);
  });
  try {
    await t.runtime.load({ url: './fault-probe.mjs', id: 'proc', isolation: 'process' });
    // Inside the OS wall the plugin calls itself by its namespace's pid: find its host pid.
    const pids = pluginProcesses();
    assert.equal(pids.length, 1, `one plugin process under this test, found ${pids.join(', ')}`);
    const pid = pids[0]!;
    assert.notEqual(pid, process.pid);
    process.kill(pid, 'SIGKILL');
    await waitFor(() => crashes.length > 0, 10_000, 'the crash');
    assert.match(crashes[0]!.reason ?? '', /killed by SIGKILL/);
    assert.doesNotMatch(crashes[0]!.reason ?? '', /exited with code/);
    assert.ok(t.logs.has(/plugin crashed: its worker was killed by SIGKILL/, 'proc'));
  } finally {
    await t.close();
  }
});

test('loading and unloading a process-isolated plugin leaves no growth in the host heap (the control proxy is released)', async () => {
  const t = testRuntime({ logger: createLogger({ level: 'silent' }), logStoreSize: 50 });
  const gc = (globalThis as { gc?: () => void }).gc;
  assert.ok(gc, 'run with --expose-gc (test/run.mjs does)');
  const settle = async () => {
    for (let i = 0; i < 5; i++) {
      gc();
      await new Promise((resolve) => setImmediate(resolve));
    }
    return process.memoryUsage().heapUsed;
  };
  const cycles = async (n: number) => {
    for (let i = 0; i < n; i++) {
      await t.runtime.load({ url: './fault-probe.mjs', id: 'cycled', isolation: 'process' });
      await t.runtime.invoke('cycled', 'ping');
      await t.runtime.unload('cycled');
    }
  };
  try {
    await cycles(4);
    const before = await settle();
    await cycles(30);
    const growthMb = (await settle() - before) / 1024 / 1024;
    console.log(`host heap growth over 30 process-tier cycles: ${growthMb.toFixed(2)} MB`);
    // A proxy kept per cycle held ≈2 MB each (60 MB here); nothing of ours should stay.
    assert.ok(growthMb < 15, `host heap grew ${growthMb.toFixed(1)} MB over 30 cycles`);
  } finally {
    await t.close();
  }
});
