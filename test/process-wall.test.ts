/**
 * The OS wall around process-isolated plugins (runtime/transport/os-wall.ts): a plugin
 * granted nothing has no network (not even the host's loopback), sees no host files
 * outside its mounts and no host processes. The programs it may run are outside Node's
 * permission model and the gates, so what they reach is what the kernel allows: each
 * wall is shown holding against such a program, and opening when the grant says so.
 * Nested workers keep Node's permission model; a missing wall is reported (load,
 * `paddock check`) or refused (requireOsSandbox); the plugin dies with a SIGKILLed host.
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { test } from 'node:test';
import { checkPlugin, formatReport } from '../runtime/cli/commands/check.js';
import { osWall } from '../runtime/transport/os-wall.js';
import { fixture, repoRoot, tempDir, testRuntime, waitFor } from './helpers.js';
import { alive, pluginProcesses } from './support/plugin-processes.js';

const PROBE = './wall-probe.mjs';
const wall = osWall(process.env.PADDOCK_BWRAP || 'bwrap');
const skip = wall.available ? false : `no OS wall on this machine: ${wall.reason}`;

type Outcome = { ok: boolean; value?: unknown; code?: string; message?: string };

function numericEntries(list: unknown): string[] {
  return (list as string[]).filter((name) => /^\d+$/.test(name));
}

test('no network without net, not even the host\'s loopback; the granted address is reachable', { skip }, async () => {
  const hits: number[] = [];
  const server = createServer((socket) => {
    hits.push(1);
    socket.end('PONG');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  // bash's /dev/tcp: a program with no permission model of its own (Node ≥ 25 passes its model on to a Node it starts).
  const script = `exec 3<>/dev/tcp/127.0.0.1/${port} || exit 1; read -r line <&3; echo "$line"`;
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'offline', isolation: 'process', permissions: { run: ['bash'] } });
    const own = await rt.runtime.invoke('offline', 'connect', { port }) as Outcome;
    assert.equal(own.ok, false, 'the plugin\'s own code is refused');
    // A program it runs has no gates: only the empty network namespace stops it.
    const program = await rt.runtime.invoke('offline', 'run', { command: 'bash', args: ['-c', script] }) as Outcome;
    assert.equal(program.ok, false);
    assert.match(String(program.message), /Connection refused/, 'the program finds nothing listening: it is not on the host\'s loopback');
    assert.equal(hits.length, 0);

    await rt.runtime.load({ url: PROBE, id: 'online', isolation: 'process', permissions: { run: ['bash'], net: [`127.0.0.1:${port}`] } });
    assert.deepEqual(await rt.runtime.invoke('online', 'connect', { port }), { ok: true, value: 'PONG' });
    assert.deepEqual(await rt.runtime.invoke('online', 'run', { command: 'bash', args: ['-c', script] }), { ok: true, value: 'PONG\n' });
    assert.equal(hits.length, 2);
  } finally {
    await rt.close();
    server.close();
  }
});

test('no host files outside its mounts: /etc/passwd and the repository\'s tests are not there; a read grant mounts them', { skip }, async () => {
  const hostPasswd = readFileSync('/etc/passwd', 'utf8');
  const testsDir = join(repoRoot, 'test');
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'blind', isolation: 'process', permissions: { run: ['cat', 'ls'] } });
    const own = await rt.runtime.invoke('blind', 'read', { path: '/etc/passwd' }) as Outcome;
    assert.equal(own.code, 'PADDOCK_ERR_PERMISSION_DENIED');
    const cat = await rt.runtime.invoke('blind', 'run', { command: 'cat', args: ['/etc/passwd'] }) as Outcome;
    assert.equal(cat.ok, false);
    assert.match(String(cat.message), /No such file/);
    // The test folder exists only as the way to the code folder (test/fixtures): nothing else in it.
    const ls = await rt.runtime.invoke('blind', 'run', { command: 'ls', args: [testsDir] }) as Outcome;
    assert.deepEqual(ls, { ok: true, value: 'fixtures\n' });
    const helpers = await rt.runtime.invoke('blind', 'run', { command: 'cat', args: [join(testsDir, 'helpers.ts')] }) as Outcome;
    assert.match(String(helpers.message), /No such file/);
    // Its code folder (test/fixtures) is there, read-only.
    const fixtures = await rt.runtime.invoke('blind', 'run', { command: 'ls', args: [fixture('.')] }) as Outcome;
    assert.equal(fixtures.ok, true);
    assert.match(String(fixtures.value), /wall-probe\.mjs/);

    await rt.runtime.load({ url: PROBE, id: 'reader', isolation: 'process', permissions: { run: ['cat', 'ls'], read: ['/etc/passwd', testsDir] } });
    assert.deepEqual(await rt.runtime.invoke('reader', 'run', { command: 'cat', args: ['/etc/passwd'] }), { ok: true, value: hostPasswd });
    const granted = await rt.runtime.invoke('reader', 'run', { command: 'ls', args: [testsDir] }) as Outcome;
    assert.match(String(granted.value), /process-wall\.test\.ts/);
  } finally {
    await rt.close();
  }
});

test('no host processes: /proc lists only its own namespace; run: true shares the host\'s', { skip }, async () => {
  const hostPids = numericEntries(readdirSync('/proc'));
  assert.ok(hostPids.includes(String(process.pid)));
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'alone', isolation: 'process', permissions: { run: ['ls'], read: ['/proc'] } });
    assert.equal(await rt.runtime.invoke('alone', 'pid'), 1, 'the plugin is the first process of its namespace');
    assert.equal(await rt.runtime.invoke('alone', 'cwd'), process.cwd(), 'it starts in the host\'s working folder, as a worker would');
    const own = await rt.runtime.invoke('alone', 'list', { path: '/proc' }) as Outcome;
    assert.deepEqual(numericEntries(own.value), ['1'], 'its own code sees itself only');
    const program = await rt.runtime.invoke('alone', 'run', { command: 'ls', args: ['/proc'] }) as Outcome;
    const seen = numericEntries(String(program.value).split('\n'));
    assert.ok(seen.length <= 2, `ls sees the plugin and itself only, got ${seen.join(' ')}`);

    await rt.runtime.load({ url: PROBE, id: 'shared', isolation: 'process', permissions: { run: true, read: ['/proc'] } });
    const all = await rt.runtime.invoke('shared', 'list', { path: '/proc' }) as Outcome;
    assert.ok(numericEntries(all.value).includes(String(process.pid)), 'with run: true the host\'s processes are visible');
  } finally {
    await rt.close();
  }
});

test('nested workers of a process-isolated plugin keep Node\'s permission model, with execArgv [] too', async () => {
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'nested', isolation: 'process' });
    for (const execArgv of [undefined, []]) {
      assert.deepEqual(await rt.runtime.invoke('nested', 'nestedPermission', { execArgv }), { model: true, readsHost: false }, `execArgv ${JSON.stringify(execArgv)}`);
    }
    await rt.runtime.load({ url: PROBE, id: 'nested-reader', isolation: 'process', permissions: { read: true } });
    assert.deepEqual(await rt.runtime.invoke('nested-reader', 'nestedPermission', { execArgv: [] }), { model: true, readsHost: true });
  } finally {
    await rt.close();
  }
});

test('a missing wall is reported at load and by paddock check, and refused with requireOsSandbox', async () => {
  const missing = join(tempDir('paddock-no-bwrap-'), 'bwrap');
  const rt = testRuntime({ bwrapPath: missing });
  try {
    assert.equal(rt.runtime.osWall.available, false);
    await rt.runtime.load({ url: PROBE, id: 'unwalled', isolation: 'process', permissions: { read: ['/proc'] } });
    assert.ok(rt.logs.has(/process-isolated plugin "unwalled" runs without the OS wall.*not installed/, 'unwalled'));
    const list = await rt.runtime.invoke('unwalled', 'list', { path: '/proc' }) as Outcome;
    assert.ok(numericEntries(list.value).includes(String(process.pid)), 'without the wall the host\'s processes are visible');
    await rt.runtime.load({ url: PROBE, id: 'threads', isolation: 'worker' });
    assert.ok(!rt.logs.has('without the OS wall', 'threads'), 'worker-tier plugins are not warned about');
  } finally {
    await rt.close();
  }
  const strict = testRuntime({ bwrapPath: missing, requireOsSandbox: true });
  try {
    await assert.rejects(strict.runtime.load({ url: PROBE, id: 'refused', isolation: 'process' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_OS_SANDBOX_UNAVAILABLE');
      assert.match(error.message, /"refused".*requireOsSandbox.*not installed/);
      return true;
    });
    // Worker-tier plugins are not affected by the option.
    await strict.runtime.load({ url: PROBE, id: 'worker-ok' });
  } finally {
    await strict.close();
  }
  const previous = process.env.PADDOCK_BWRAP;
  process.env.PADDOCK_BWRAP = missing;
  try {
    const report = await checkPlugin(fixture('wall-probe.mjs'), { scopes: [], isolation: 'process' });
    assert.equal(report.ok, true);
    assert.equal(report.osWall?.available, false);
    assert.match(formatReport(report), /OS wall\s+NO OS WALL: bubblewrap .* is not installed/);
  } finally {
    if (previous === undefined) delete process.env.PADDOCK_BWRAP;
    else process.env.PADDOCK_BWRAP = previous;
  }
  if (wall.available) {
    const report = await checkPlugin(fixture('wall-probe.mjs'), { scopes: [], isolation: 'process' });
    assert.match(formatReport(report), /OS wall\s+yes: bubblewrap/);
  }
});

test('the plugin process dies with its host, even when the host is SIGKILLed', { skip }, async () => {
  const dataDir = tempDir();
  const script = `
    const { PluginRuntime, createLogger } = await import(${JSON.stringify(join(repoRoot, 'dist', 'runtime', 'index.js'))});
    const runtime = new PluginRuntime({ baseDir: ${JSON.stringify(fixture('.'))}, dataDir: ${JSON.stringify(dataDir)}, logLevel: 'silent' });
    await runtime.load({ url: './lifecycle-probe.mjs', id: 'orphan', isolation: 'process' });
    await runtime.invoke('orphan', 'pid');
    console.log('ready');
    setInterval(() => {}, 1000);
  `;
  const host = spawn(process.execPath, ['--input-type=module', '-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('the small host did not load its plugin within 20 s')), 20_000);
      host.stdout.on('data', (chunk: Buffer) => {
        if (String(chunk).includes('ready')) {
          clearTimeout(timer);
          resolve();
        }
      });
      host.once('exit', (code) => reject(new Error(`the small host exited (${code})`)));
    });
    const pids = pluginProcesses(host.pid);
    assert.equal(pids.length, 1, 'the small host runs one plugin process');
    host.kill('SIGKILL');
    await waitFor(() => !alive(pids[0]!), 5_000, 'the plugin process to die with its host');
  } finally {
    if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
  }
});

test('a thread of the plugin cannot keep a blocked process alive by answering the host\'s pings itself', async () => {
  const rt = testRuntime();
  try {
    // ffi: true lets it use the IPC descriptor it did not open (the gates refuse that
    // otherwise): the host's check must hold without relying on the gates.
    await rt.runtime.load({ url: PROBE, id: 'forger', isolation: 'process', permissions: { ffi: true }, limits: { blockTimeoutMs: 1_500, maxRestarts: 0 } });
    const report = join(rt.dataDir, 'forger', 'answered.txt');
    await assert.rejects(rt.runtime.invoke('forger', 'forgeBeats', { ms: 6_000, report }), /event loop was blocked/);
    const answered = Number(readFileSync(report, 'utf8'));
    assert.ok(answered >= 1, `the forging thread answered pings (${answered}), and they were not counted`);
  } finally {
    await rt.close();
  }
});
