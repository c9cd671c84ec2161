/**
 * Permissions through the public API: validation of entries, deny by default with the
 * plugin's own folders, the host's ceiling, the SDK's query, denials on the host.
 * (Every route to every capability is in test/escape/.)
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { after, before, test } from 'node:test';
import { formatPermissions, isPaddockError } from '../runtime/index.js';
import { startPlugin } from '../runtime/testing/harness.js';
import { fixture, repoRoot, tempDir, testRuntime, waitFor } from './helpers.js';

const PROBE = './permissions-probe.mjs';
let outside: string;

before(() => {
  outside = realpathSync(tempDir('paddock-permissions-'));
  writeFileSync(join(outside, 'note.txt'), 'outside note');
  mkdirSync(join(outside, 'sub'));
  writeFileSync(join(outside, 'sub', 'deep.txt'), 'deep note');
});

after(() => rmSync(outside, { recursive: true, force: true }));

function deniedCode(error: unknown): string | undefined {
  const inner = (error as { cause?: { code?: string } }).cause;
  return inner?.code;
}

test('permissions in a config are validated, each problem with its path', async () => {
  const rt = testRuntime();
  try {
    await assert.rejects(rt.runtime.loadConfig({
      plugins: [{ url: PROBE, permissions: { net: ['example.com:99999', 'bad host!'], read: 5, filesystem: true } as never }],
    }), (error: Error) => {
      assert.ok(isPaddockError(error, 'PADDOCK_ERR_CONFIG_INVALID'));
      assert.match(error.message, /plugins\[0\]\.permissions\.net\[0\]: expected "host" or "host:port".*"99999" is not a port/);
      assert.match(error.message, /plugins\[0\]\.permissions\.net\[1\]: .*"bad host!" is not a host name/);
      assert.match(error.message, /plugins\[0\]\.permissions\.read: /);
      assert.match(error.message, /plugins\[0\]\.permissions: unknown key "filesystem"/);
      return true;
    });
  } finally {
    await rt.close();
  }
});

test('deny by default: the plugin reads its code folder, reads and writes its data folder, nothing else', async () => {
  const rt = testRuntime();
  try {
    const info = await rt.runtime.load({ url: PROBE, id: 'probe' });
    assert.deepEqual(info.permissions, { read: [], write: [], net: [], env: [], run: [], ffi: [], sys: [], import: [] });
    assert.equal(info.isolation, 'worker');
    const own = await rt.runtime.invoke('probe', 'read', { path: fixture('permissions-probe.mjs') });
    assert.match(String(own), /permissions-probe/);
    const dataDir = join(rt.dataDir, 'probe');
    assert.equal(await rt.runtime.invoke('probe', 'write', { path: join(dataDir, 'state.json'), content: '{}' }), 'written');
    await assert.rejects(rt.runtime.invoke('probe', 'write', { path: fixture('written-by-probe.txt'), content: 'x' }), (error: Error) => {
      assert.equal(deniedCode(error), 'PADDOCK_ERR_PERMISSION_DENIED');
      assert.match(String((error.cause as Error).message), /plugin "probe" needs write access to ".*written-by-probe\.txt" \(grant permissions\.write\)/);
      return true;
    });
    await assert.rejects(rt.runtime.invoke('probe', 'read', { path: join(outside, 'note.txt') }), (error: Error) => deniedCode(error) === 'PADDOCK_ERR_PERMISSION_DENIED');
    const granted = await rt.runtime.invoke('probe', 'granted') as Record<string, unknown>;
    assert.equal(granted.dataDir, realpathSync(dataDir));
    assert.equal(granted.codeDir, realpathSync(fixture('.')));
  } finally {
    await rt.close();
  }
});

test('permissions.query answers as the gates decide', async () => {
  await using plugin = await startPlugin({
    plugin: fixture('permissions-probe.mjs'),
    permissions: { read: [join(outside, 'sub')], net: ['example.com:443'], env: ['PADDOCK_Q_*'], sys: ['hostname'] },
  });
  const query = (descriptor: Record<string, unknown>) => plugin.invoke('querySync', descriptor) as Promise<{ state: string; partial: boolean }>;
  assert.deepEqual(await query({ name: 'read', path: join(outside, 'sub', 'deep.txt') }), { state: 'granted', partial: false });
  assert.deepEqual(await query({ name: 'read', path: join(outside, 'note.txt') }), { state: 'denied', partial: false });
  assert.deepEqual(await query({ name: 'read' }), { state: 'denied', partial: true });
  assert.deepEqual(await query({ name: 'write' }), { state: 'denied', partial: false });
  assert.equal((await query({ name: 'net', host: 'example.com:443' })).state, 'granted');
  assert.equal((await query({ name: 'net', host: 'example.com:80' })).state, 'denied');
  assert.equal((await query({ name: 'env', variable: 'PADDOCK_Q_TOKEN' })).state, 'granted');
  assert.equal((await query({ name: 'env', variable: 'HOME' })).state, 'denied');
  assert.equal((await query({ name: 'sys', kind: 'hostname' })).state, 'granted');
  assert.equal((await query({ name: 'run', command: 'ls' })).state, 'denied');
  assert.deepEqual(await plugin.invoke('query', { name: 'read', path: join(outside, 'sub') }), { state: 'granted', partial: false });
});

test('the host\'s maxPermissions is a ceiling: the plugin gets the intersection, and the cut is logged', async () => {
  const rt = testRuntime({ maxPermissions: { read: [outside], net: ['example.com'], sys: true } });
  try {
    const info = await rt.runtime.load({
      url: PROBE,
      id: 'narrowed',
      permissions: { read: [join(outside, 'sub'), '/etc'], net: true, env: ['HOME'], sys: ['hostname'] },
    });
    assert.deepEqual(info.permissions.read, [join(outside, 'sub')]);
    assert.deepEqual(info.permissions.net, ['example.com']);
    assert.deepEqual(info.permissions.env, []);
    assert.deepEqual(info.permissions.sys, ['hostname']);
    assert.ok(rt.logs.has(/permissions narrowed to the host's maxPermissions/, 'narrowed'));
    assert.ok(rt.logs.has(/read: asked for .*"\/etc".*gets/, 'narrowed'));
    await assert.rejects(rt.runtime.invoke('narrowed', 'read', { path: '/etc/hostname' }), (error: Error) => deniedCode(error) === 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.equal(await rt.runtime.invoke('narrowed', 'read', { path: join(outside, 'sub', 'deep.txt') }), 'deep note');
    const text = formatPermissions(info.permissions, { dataDir: '/data/narrowed' });
    assert.match(text, new RegExp(`^read    ${join(outside, 'sub')}, plus its code folder and its data folder /data/narrowed$`, 'm'));
    assert.match(text, /^net     example\.com$/m);
    assert.match(text, /^write   nothing, besides its data folder \/data\/narrowed$/m);
  } finally {
    await rt.close();
  }
});

test('a path given as an object is read once: the path checked is the path used', async () => {
  await using plugin = await startPlugin({ plugin: fixture('permissions-probe.mjs') });
  const own = pathToFileURL(fixture('nested-limits.mjs')).href;
  const secret = pathToFileURL(join(outside, 'note.txt')).href;
  assert.match(String(await plugin.invoke('flipRead', { first: own, then: secret })), /resourceLimits/);
  await assert.rejects(plugin.invoke('flipRead', { first: secret, then: own }), (error: Error) => deniedCode(error) === 'PADDOCK_ERR_PERMISSION_DENIED');
});

test('denials are logged on the host (rate-limited) and emitted as plugin:denied', async () => {
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: PROBE, id: 'noisy' });
    const events: unknown[] = [];
    rt.runtime.on('plugin:denied', (notice) => events.push(notice));
    assert.equal(await rt.runtime.invoke('noisy', 'deniedMany', { path: '/etc/hostname', times: 100 }), 100);
    await waitFor(() => events.length === 100, 10_000, '100 plugin:denied events');
    assert.deepEqual(events[0], { id: 'noisy', permission: 'read', access: 'read access', resource: '/etc/hostname' });
    const lines = rt.logs.messages('noisy').filter((m) => m.startsWith('permission denied: plugin "noisy" needs read access to "/etc/hostname"'));
    // 20 a second; a slow machine may straddle two seconds.
    assert.ok(lines.length >= 20 && lines.length <= 40, `${lines.length} denial lines`);
  } finally {
    await rt.close();
  }
});

test('in a worker, descriptors 1 and 2 are the host\'s: raw writes are refused, console output is captured', async () => {
  await using plugin = await startPlugin({ plugin: fixture('permissions-probe.mjs') });
  await assert.rejects(plugin.invoke('rawStdout'), (error: Error) => {
    assert.equal(deniedCode(error), 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.match(String((error.cause as Error).message), /needs ffi access to "file descriptor 1"/);
    return true;
  });
});

test('the runtime\'s own worker modules cannot be imported by a plugin', async () => {
  await using plugin = await startPlugin({ plugin: fixture('permissions-probe.mjs') });
  const gates = pathToFileURL(join(repoRoot, 'dist', 'workers', 'gates', 'install.js')).href;
  await assert.rejects(plugin.invoke('importUrl', { url: gates }), (error: Error) => {
    assert.equal(deniedCode(error), 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.match(String((error.cause as Error).message), /needs read access to ".*install\.js" \(grant permissions\.read or permissions\.import\)/);
    return true;
  });
  // The SDK itself is loadable (plugins import it).
  assert.equal(await plugin.invoke('importUrl', { url: pathToFileURL(join(repoRoot, 'dist', 'sdk', 'index.js')).href }), 'imported');
});

test('process.env holds exactly the granted variables', async () => {
  process.env.PADDOCK_GRANTED_VAR = 'granted value';
  process.env.PADDOCK_OTHER_VAR = 'other value';
  try {
    await using plugin = await startPlugin({ plugin: fixture('permissions-probe.mjs'), permissions: { env: ['PADDOCK_GRANTED_VAR', 'NOT_SET_ANYWHERE'] } });
    assert.deepEqual(await plugin.invoke('env'), { PADDOCK_GRANTED_VAR: 'granted value' });
  } finally {
    delete process.env.PADDOCK_GRANTED_VAR;
    delete process.env.PADDOCK_OTHER_VAR;
  }
});

test('a nested worker gets at most the plugin\'s heap limits; flags and eval workers are refused', async () => {
  await using plugin = await startPlugin({ plugin: fixture('permissions-probe.mjs'), limits: { maxOldGenerationSizeMb: 48 } });
  const limits = await plugin.invoke('nestedWorker', { resourceLimits: { maxOldGenerationSizeMb: 4096 } }) as Record<string, number>;
  assert.equal(limits.maxOldGenerationSizeMb, 48);
  await assert.rejects(plugin.invoke('nestedWorker', { execArgv: ['--import', './evil.mjs'] }), (error: Error) => {
    assert.equal(deniedCode(error), 'PADDOCK_ERR_SANDBOX_UNSUPPORTED');
    assert.match(String((error.cause as Error).message), /cannot use a Worker with execArgv inside its sandbox/);
    return true;
  });
});

const WEB_STORAGE = process.allowedNodeEnvironmentFlags.has('--localstorage-file');

test('localStorage, a file of the host\'s shared by its threads and children, needs read: true and write: true', { skip: !WEB_STORAGE && 'no Web Storage on this Node line' }, async () => {
  const dir = tempDir('paddock-webstorage-');
  try {
    // Node 22 and 24 need the flag; Node 26 has Web Storage on by default.
    const flags = process.allowedNodeEnvironmentFlags.has('--experimental-webstorage') ? '--experimental-webstorage ' : '';
    const secret = `web-storage-secret-${process.pid}`;
    const { stdout } = await promisify(execFile)(process.execPath, [fixture('webstorage-host.mjs'), secret, join(dir, 'data')], {
      timeout: 60_000,
      env: { ...process.env, NODE_OPTIONS: `${flags}--localstorage-file=${join(dir, 'storage.db')} --disable-warning=ExperimentalWarning` },
    });
    type Outcome = { ok: boolean; code?: string; message?: string; value?: unknown };
    const seen = JSON.parse(stdout) as Record<'worker' | 'process', { refused: Outcome; refusedLeft: string | null; granted: Outcome }> & { grantedLeft: string | null };
    // A worker starts without the host's flags and environment: no store at all.
    assert.deepEqual(seen.worker.refused, { ok: true, value: 'no Web Storage here' });
    assert.deepEqual(seen.worker.granted, { ok: true, value: 'no Web Storage here' });
    // A child process that inherits NODE_OPTIONS opens the host's store; Node's model does not look.
    const refused = seen.process.refused;
    assert.equal(refused.ok, false);
    assert.equal(refused.code, 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.match(refused.message!, /plugin "process-refused" needs read access to "localStorage/);
    assert.ok(!refused.message!.includes(secret));
    assert.equal(seen.process.refusedLeft, null, 'the refused plugin wrote into the host\'s store');
    assert.deepEqual(seen.process.granted, { ok: true, value: secret });
    assert.equal(seen.grantedLeft, 'planted');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
