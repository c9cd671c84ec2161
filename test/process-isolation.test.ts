/**
 * `isolation: "process"`: the same plugin, SDK and protocol in a child Node process
 * under Node's permission model: calls, events, logs, crashes and restarts, a blocked
 * event loop, and the child's end when the plugin is unloaded; and Node's network wall
 * beneath the gates where Node has one.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { permissionFlags } from '../runtime/permissions/node-flags.js';
import { NO_PERMISSIONS, type PermissionGrant } from '../sdk/kernel/sandbox-data.js';
import { fixture, nextState, tempDir, testRuntime, waitFor } from './helpers.js';
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

test('without a net grant, Node\'s own model refuses the network under the gates (Node >= 25); before, only the gates do', async () => {
  // The flags a process-isolated plugin gets, around a script with no gates at all.
  const probe = fixture('node-net-probe.mjs');
  const dataDir = tempDir('paddock-net-wall-');
  const server = createServer((socket) => socket.end());
  let connections = 0;
  server.on('connection', () => connections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  const run = async (grant: PermissionGrant) => {
    const flags = permissionFlags(grant, { codeDir: dirname(probe), dataDir, runtimeDirs: [] });
    rmSync(join(dataDir, 'probe.sock'), { force: true });
    const { stdout } = await promisify(execFile)(process.execPath, [
      ...flags, '--disable-warning=ExperimentalWarning', probe, String(port), join(dataDir, 'probe.sock'),
    ], { timeout: 30_000 });
    return { flags, results: JSON.parse(stdout) as Record<string, string> };
  };
  try {
    const wall = process.allowedNodeEnvironmentFlags.has('--allow-net');
    const refused = await run(NO_PERMISSIONS);
    assert.equal(refused.flags.includes('--allow-net'), false);
    if (wall) {
      // Unix sockets included: Node counts them as network.
      assert.deepEqual(refused.results, { tcp: 'ERR_ACCESS_DENIED', unixListen: 'ERR_ACCESS_DENIED', udp: 'ERR_ACCESS_DENIED', dns: 'ERR_ACCESS_DENIED' });
      assert.equal(connections, 0);
    } else {
      // What the README's threat table says: on this line the gates are the only check.
      assert.deepEqual(refused.results, { tcp: 'connected', unixListen: 'listening', udp: 'sent', dns: 'resolved' });
    }
    const granted = await run({ ...NO_PERMISSIONS, net: [`127.0.0.1:${port}`] });
    assert.equal(granted.flags.includes('--allow-net'), wall);
    assert.deepEqual(granted.results, { tcp: 'connected', unixListen: 'listening', udp: 'sent', dns: 'resolved' });
    assert.ok(connections > 0);
  } finally {
    server.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
});
