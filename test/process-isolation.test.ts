/**
 * `isolation: "process"`: the same plugin, SDK and protocol in a child Node process
 * under Node's permission model: calls, events, logs, crashes and restarts, a blocked
 * event loop, and the child's end when the plugin is unloaded.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { nextState, testRuntime, waitFor } from './helpers.js';
import { alive, pluginProcesses } from './support/plugin-processes.js';

const PROBE = './lifecycle-probe.mjs';

/** The host's pid of the only plugin process this test runs (inside the wall it calls itself 1). */
function onlyPluginPid(): number {
  const pids = pluginProcesses();
  assert.equal(pids.length, 1, `one plugin process (found ${pids.join(', ') || 'none'})`);
  return pids[0]!;
}

test('a process-isolated plugin answers calls, receives events, logs, and runs under Node\'s permission model', async () => {
  const rt = testRuntime();
  try {
    const info = await rt.runtime.load({ url: PROBE, id: 'child', isolation: 'process' });
    assert.equal(info.isolation, 'process');
    assert.notEqual(await rt.runtime.invoke('child', 'pid') as number, process.pid);
    const pid = onlyPluginPid();
    assert.deepEqual(await rt.runtime.invoke('child', 'nodePermission'), { readEtc: false });
    rt.runtime.emit('tick', { n: 1 });
    rt.runtime.emit('tick', { n: 2 });
    await rt.runtime.drain('child');
    assert.deepEqual(await rt.runtime.invoke('child', 'seen'), [{ n: 1 }, { n: 2 }]);
    assert.equal(await rt.runtime.invoke('child', 'log', { text: 'hello from the child' }), 'logged');
    await waitFor(() => rt.logs.has('stdout: hello from the child', 'child'), 5_000, 'the child\'s stdout line');
    assert.ok(rt.logs.has('hello from the child', 'child'));
    await rt.runtime.unload('child');
    await waitFor(() => !alive(pid), 5_000, 'the child process to end');
  } finally {
    await rt.close();
  }
});

test('a process-isolated plugin that exits is restarted in a new process', async () => {
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'quitter', isolation: 'process', limits: { restartBackoffMs: 10 } });
    await rt.runtime.invoke('quitter', 'pid');
    const first = onlyPluginPid();
    const crashed = nextState(rt.runtime, 'quitter', 'crashed');
    const running = nextState(rt.runtime, 'quitter', 'running');
    await assert.rejects(rt.runtime.invoke('quitter', 'exit', { code: 3 }), /exited with code 3/);
    await crashed;
    await running;
    await rt.runtime.invoke('quitter', 'pid');
    const second = onlyPluginPid();
    assert.notEqual(second, first);
    assert.equal(rt.runtime.get('quitter')?.restarts, 1);
  } finally {
    await rt.close();
  }
});

test('a process-isolated plugin that blocks its event loop is stopped by the heartbeat', async () => {
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'blocker', isolation: 'process', limits: { blockTimeoutMs: 1_500, maxRestarts: 0 } });
    await rt.runtime.invoke('blocker', 'pid');
    const pid = onlyPluginPid();
    const crashed = nextState(rt.runtime, 'blocker', 'crashed');
    await assert.rejects(rt.runtime.invoke('blocker', 'block'), /event loop was blocked/);
    await crashed;
    await waitFor(() => !alive(pid), 5_000, 'the blocked process to be killed');
  } finally {
    await rt.close();
  }
});
