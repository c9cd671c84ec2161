/**
 * Every step has a deadline, terminate included (issue 12): a plugin stuck in a system
 * call, close() with plugins that will not stop, drain() while an rpc plugin is frozen.
 */
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { closeSync, constants, openSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { isPaddockError, type StateChange } from '../../runtime/index.js';
import { testRuntime, waitFor } from '../helpers.js';

/** Settles with `promise`, or rejects once `ms` have passed: a bound on the test, not a timing assertion. */
function within<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  return Promise.race([
    promise.finally(() => clearTimeout(timer)),
    new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new Error(`${what} did not settle within ${ms} ms`)), ms);
    }),
  ]);
}

/** Open the FIFO for writing (from a child, so this thread never blocks) to let a reader go. */
function releaseFifo(path: string): Promise<void> {
  return new Promise((resolve) => {
    const writer = spawn('sh', ['-c', `echo bye > '${path}'`], { stdio: 'ignore' });
    const timer = setTimeout(() => writer.kill('SIGKILL'), 5_000);
    writer.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
  });
}

/**
 * Wait (bounded) until the plugin has the FIFO open for reading, so it is in its read,
 * not about to be: a non-blocking open for writing succeeds only once a reader is there.
 * The descriptor stays open (a writer that writes nothing keeps the reader waiting).
 */
async function readerIn(path: string): Promise<number> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    try {
      return openSync(path, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO' || Date.now() > deadline) throw error;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
  }
}

test('a plugin blocked in a system call is marked unresponsive, its calls rejected; unload and close resolve; the host goes on', async () => {
  const t = testRuntime({ terminateTimeoutMs: 500, closeTimeoutMs: 5_000, limits: { blockTimeoutMs: 500, stopTimeoutMs: 300 } });
  const fifo = join(t.dataDir, 'stuck', 'pipe');
  const states: StateChange[] = [];
  t.runtime.on('plugin:state', (change) => states.push(change));
  try {
    await t.runtime.load({ url: './fault-probe.mjs', id: 'stuck' });
    await t.runtime.load({ url: './fault-probe.mjs', id: 'healthy' });
    execFileSync('mkfifo', [fifo]);
    assert.equal(await t.runtime.invoke('stuck', 'readFifo', 'pipe'), 'reading');
    await waitFor(() => t.runtime.get('stuck')?.state === 'unresponsive', 15_000, 'the stuck plugin to be marked unresponsive');
    const info = t.runtime.get('stuck')!;
    assert.equal(info.lastError?.code, 'PADDOCK_ERR_PLUGIN_UNRESPONSIVE');
    assert.match(info.lastError!.message, /plugin "stuck" did not exit within 500 ms of being terminated \(its event loop was blocked for \d+ ms\)/);
    assert.ok(states.some((c) => c.id === 'stuck' && c.from === 'running' && c.to === 'unresponsive'));
    await assert.rejects(within(t.runtime.invoke('stuck', 'ping'), 5_000, 'a call to the unresponsive plugin'),
      (error) => isPaddockError(error, 'PADDOCK_ERR_PLUGIN_NOT_RUNNING'));
    assert.equal(await t.runtime.invoke('healthy', 'ping'), 'pong', 'the other plugin goes on');
    await within(t.runtime.unload('stuck'), 5_000, 'unload of the unresponsive plugin');
    assert.equal(t.runtime.get('stuck'), undefined);
    await within(t.runtime.close(), 10_000, 'close()');
    assert.ok(states.some((c) => c.id === 'healthy' && c.to === 'stopped'));
  } finally {
    await releaseFifo(fifo);
    await t.close();
  }
});

test('close() stops plugins concurrently under one deadline and always resolves, even with a plugin stuck in terminate', async () => {
  const t = testRuntime({ terminateTimeoutMs: 300, closeTimeoutMs: 3_000, limits: { blockTimeoutMs: 60_000, stopTimeoutMs: 300 } });
  const fifo = join(t.dataDir, 'stuck', 'pipe');
  const states: StateChange[] = [];
  t.runtime.on('plugin:state', (change) => states.push(change));
  try {
    await Promise.all([
      t.runtime.load({ url: './fault-probe.mjs', id: 'stuck' }),
      t.runtime.load({ url: './probe.mjs', id: 'hangs-cleanup', options: { hangCleanup: true } }),
      t.runtime.load({ url: './probe.mjs', id: 'fine' }),
    ]);
    execFileSync('mkfifo', [fifo]);
    await t.runtime.invoke('stuck', 'readFifo', 'pipe');
    const writer = await readerIn(fifo);
    // The liveness watch is far off (blockTimeoutMs 60 s): close() meets a plugin still "running" in a system call.
    try {
      await within(t.runtime.close(), 10_000, 'close()');
    } finally {
      closeSync(writer);
    }
    for (const id of ['hangs-cleanup', 'fine']) assert.ok(states.some((c) => c.id === id && c.to === 'stopped'), `${id} stopped`);
    assert.ok(t.logs.has(/did not exit within 300 ms of being terminated/, 'stuck'), 'the stuck plugin is reported');
  } finally {
    await releaseFifo(fifo);
    await t.close();
  }
});

test('drain() takes a deadline and rejects by it while an rpc plugin is frozen', async () => {
  const t = testRuntime({ limits: { stopTimeoutMs: 300 } });
  let pid: number | undefined;
  try {
    await t.runtime.load({ id: 'frozen', exec: ['python3', '{pluginDir}/rpc_probe.py'], interface: 'rpc', dir: './external', options: { events: ['tick'] } });
    pid = await t.runtime.invoke('frozen', 'pid') as number;
    process.kill(pid, 'SIGSTOP');
    // More than a pipe holds: the writes wait for a reader that does not read.
    const payload = 'x'.repeat(1_000);
    for (let i = 0; i < 500; i++) t.runtime.emit('tick', { i, payload });
    await assert.rejects(within(t.runtime.drain('frozen', { timeoutMs: 500 }), 5_000, 'drain()'), (error) => {
      assert.ok(isPaddockError(error, 'PADDOCK_ERR_DRAIN_TIMEOUT'), String(error));
      assert.match((error as Error).message, /events for plugin "frozen" were not all handled within 500 ms \(\d+ still waiting\)/);
      return true;
    });
    await assert.rejects(within(t.runtime.drain(undefined, { timeoutMs: 300 }), 5_000, 'drain() of all'), (error) => isPaddockError(error, 'PADDOCK_ERR_DRAIN_TIMEOUT'));
    process.kill(pid, 'SIGCONT');
    await within(t.runtime.drain('frozen', { timeoutMs: 10_000 }), 15_000, 'drain() after the plugin thawed');
  } finally {
    if (pid !== undefined) {
      try {
        process.kill(pid, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await t.close();
  }
});
