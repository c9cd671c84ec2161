/** The permission model's pure parts: normalization, the ceiling's intersection, flags for Node, formatting. */
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { effectivePermissions, intersectPermissions, normalizePermissions } from '../../runtime/permissions/effective.js';
import { formatPermissions } from '../../runtime/permissions/format.js';
import { limitFlags, permissionFlags } from '../../runtime/permissions/node-flags.js';
import { netEntryProblem } from '../../runtime/permissions/schema.js';
import { dependencyDirs, grantedEnv } from '../../runtime/permissions/sandbox-extras.js';
import { DEFAULT_LIMITS } from '../../runtime/options.js';
import { NO_PERMISSIONS } from '../../sdk/kernel/sandbox-data.js';
import { tempDir } from '../helpers.js';

let base: string;

before(() => {
  base = realpathSync(tempDir('paddock-perm-internals-'));
  mkdirSync(join(base, 'real', 'inner'), { recursive: true });
  symlinkSync(join(base, 'real'), join(base, 'alias'));
});

after(() => rmSync(base, { recursive: true, force: true }));

test('paths are made absolute from the config folder, with links and ".." resolved', () => {
  const grant = normalizePermissions({ read: ['./alias/inner', 'real/../real', '/nonexistent/x/..'], write: false, net: true }, base);
  assert.deepEqual(grant.read, [join(base, 'real', 'inner'), join(base, 'real'), '/nonexistent']);
  assert.deepEqual(grant.write, []);
  assert.equal(grant.net, true);
  assert.deepEqual(grant.env, []);
});

test('net entries are normalized: lower case, IPv6 in brackets only with a port', () => {
  const grant = normalizePermissions({ net: ['API.Example.com:443', '[::1]:8080', '::1', 'localhost'] }, base);
  assert.deepEqual(grant.net, ['api.example.com:443', '[::1]:8080', '::1', 'localhost']);
  assert.equal(netEntryProblem('example.com:0'), undefined);
  assert.match(netEntryProblem('example.com:70000') ?? '', /not a port/);
  assert.match(netEntryProblem('[::1') ?? '', /closing "\]"/);
  assert.match(netEntryProblem('a b') ?? '', /not a host name/);
});

test('the ceiling keeps what both sides grant, never more', () => {
  const entry = normalizePermissions({
    read: [join(base, 'real', 'inner'), '/etc'], net: ['example.com:443', 'other.org'], env: ['AWS_KEY', 'HOME'], sys: true, run: ['git'], ffi: true,
  }, base);
  const ceiling = normalizePermissions({ read: [join(base, 'real')], net: ['example.com', 'other.org:80'], env: ['AWS_*'], sys: ['hostname'], run: true }, base);
  const granted = intersectPermissions(entry, ceiling);
  assert.deepEqual(granted.read, [join(base, 'real', 'inner')]);
  assert.deepEqual([...granted.net as string[]].sort(), ['example.com:443', 'other.org:80']);
  assert.deepEqual(granted.env, ['AWS_KEY']);
  assert.deepEqual(granted.sys, ['hostname']);
  assert.deepEqual(granted.run, ['git']);
  assert.deepEqual(granted.ffi, []);
  assert.deepEqual(granted.write, []);

  const { narrowed } = effectivePermissions(entry, ceiling);
  assert.ok(narrowed.some((line) => line.startsWith('read: asked for') && line.includes('"/etc"')));
  assert.ok(narrowed.some((line) => line.startsWith('ffi: asked for everything, gets nothing')));
  assert.ok(!narrowed.some((line) => line.startsWith('run:')));
});

test('Node permission flags mirror the grant (one flag per path; the name depends on the Node line)', () => {
  const folders = { codeDir: '/plugins/x', dataDir: '/data/x', runtimeDirs: ['/runtime/dist'] };
  const grant = { ...NO_PERMISSIONS, read: ['/srv/shared'], run: ['git'], ffi: ['/lib/native.node'] };
  const flags = permissionFlags(grant, folders, { major: 24, minor: 0 });
  assert.equal(flags[0], '--permission');
  for (const path of ['/plugins/x', '/data/x', '/runtime/dist', '/srv/shared', '/lib/native.node']) assert.ok(flags.includes(`--allow-fs-read=${path}`), path);
  assert.ok(flags.includes('--allow-fs-write=/data/x'));
  assert.ok(flags.includes('--allow-child-process'));
  assert.ok(flags.includes('--allow-addons'));
  assert.ok(!flags.includes('--allow-inspector'));
  const none = permissionFlags(NO_PERMISSIONS, folders, { major: 20, minor: 11 });
  assert.equal(none[0], '--experimental-permission');
  assert.ok(!none.includes('--allow-child-process') && !none.includes('--allow-addons') && !none.includes('--allow-wasi'));
  // Flags newer than the model go only to a Node that has them: an unknown flag stops Node.
  const full = { ...NO_PERMISSIONS, read: true, ffi: true } as const;
  assert.ok(permissionFlags(full, folders, { major: 24, minor: 12 }).includes('--allow-inspector'));
  assert.ok(permissionFlags(full, folders, { major: 26, minor: 0 }).includes('--allow-inspector'));
  for (const old of [{ major: 20, minor: 11 }, { major: 22, minor: 23 }, { major: 24, minor: 11 }]) {
    assert.ok(!permissionFlags(full, folders, old).includes('--allow-inspector'), `${old.major}.${old.minor}`);
  }
  // The running Node is asked what it accepts.
  assert.ok(!permissionFlags(full, folders, { major: 99, minor: 0, flags: new Set<string>() }).includes('--allow-inspector'));
  assert.equal(permissionFlags(full, folders).includes('--allow-inspector'), process.allowedNodeEnvironmentFlags.has('--allow-inspector'));
  // node:ffi only with ffi: true.
  assert.ok(permissionFlags(full, folders, { major: 26, minor: 0 }).includes('--allow-ffi'));
  assert.ok(!permissionFlags({ ...full, ffi: ['/lib/native.node'] }, folders, { major: 26, minor: 0 }).includes('--allow-ffi'));
  assert.ok(!permissionFlags(full, folders, { major: 24, minor: 12 }).includes('--allow-ffi'));
  // Node >= 25 refuses the network itself unless net is granted (a second wall under the gates).
  assert.ok(!permissionFlags(full, folders, { major: 26, minor: 0 }).includes('--allow-net'));
  assert.ok(permissionFlags({ ...NO_PERMISSIONS, net: ['example.com:443'] }, folders, { major: 26, minor: 0 }).includes('--allow-net'));
  assert.ok(permissionFlags({ ...NO_PERMISSIONS, net: true }, folders, { major: 25, minor: 0 }).includes('--allow-net'));
  assert.ok(!permissionFlags({ ...NO_PERMISSIONS, net: true }, folders, { major: 24, minor: 12 }).includes('--allow-net'));
  assert.ok(permissionFlags({ ...NO_PERMISSIONS, net: true }, folders, { major: 99, minor: 0, flags: new Set(['--allow-net']) }).includes('--allow-net'));
  assert.equal(permissionFlags({ ...NO_PERMISSIONS, net: true }, folders).includes('--allow-net'), process.allowedNodeEnvironmentFlags.has('--allow-net'));
  assert.deepEqual(limitFlags({ ...DEFAULT_LIMITS, maxOldGenerationSizeMb: 64, stackSizeMb: 16 }), ['--max-old-space-size=64', '--stack-size=7168']);
  // Node 25 added network rules: --allow-net with a net grant only, and never before 25.
  const net = { ...NO_PERMISSIONS, net: ['api.example.com:443'] };
  assert.ok(permissionFlags(net, folders, { major: 26, minor: 0 }).includes('--allow-net'));
  assert.ok(!permissionFlags(NO_PERMISSIONS, folders, { major: 26, minor: 0 }).includes('--allow-net'));
  assert.ok(!permissionFlags(net, folders, { major: 24, minor: 0 }).includes('--allow-net'));
});

test('formatPermissions prints one aligned line per permission, with the folders a plugin always has', () => {
  const text = formatPermissions({ ...NO_PERMISSIONS, read: ['/srv/shared'], net: true, ffi: true }, { codeDir: '/plugins/x', dataDir: '/data/x' });
  assert.equal(text, [
    'read    /srv/shared, plus its code folder /plugins/x and its data folder /data/x',
    'write   nothing, besides its data folder /data/x',
    'net     everything',
    'env     nothing',
    'run     nothing',
    'ffi     everything (full access: native code, Node internals, the inspector)',
    'sys     nothing',
    'import  nothing, besides its code folder /plugins/x',
  ].join('\n'));
});

test('a packaged plugin reads its dependencies; the environment holds granted names and prefixes', () => {
  assert.deepEqual(dependencyDirs(join(base, 'real', 'node_modules', '@scope', 'plugin')), [join(base, 'real', 'node_modules')]);
  assert.deepEqual(dependencyDirs(join(base, 'real', 'plugins', 'x')), []);
  const env = { HOME: '/home/ada', AWS_KEY: 'k', AWS_REGION: 'r', SECRET: 's' };
  assert.deepEqual(grantedEnv({ ...NO_PERMISSIONS, env: ['HOME', 'AWS_*'] }, env), { HOME: '/home/ada', AWS_KEY: 'k', AWS_REGION: 'r' });
  assert.deepEqual(grantedEnv(NO_PERMISSIONS, env), {});
});
