/**
 * The permission kinds (sdk/kernel/permissions/) are the one source of the names, the
 * empty and full grants, the config schema's members and the query descriptors' fields;
 * the plugin side's modules of them never load zod.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ENTRY_SCHEMAS } from '../../runtime/permissions/entries.js';
import { ALL_PERMISSIONS } from '../../runtime/permissions/effective.js';
import { permissionsSchema } from '../../runtime/permissions/schema.js';
import { isPermissionGrant, NO_PERMISSIONS, PERMISSION_KINDS, PERMISSION_NAMES, permissionKind } from '../../sdk/kernel/permissions/table.js';
import { repoRoot } from '../helpers.js';

test('the names, the grants and the config schema come from the kinds, in Deno\'s order', () => {
  assert.deepEqual(PERMISSION_NAMES, ['read', 'write', 'net', 'env', 'run', 'ffi', 'sys', 'import']);
  assert.deepEqual(Object.keys(permissionsSchema.shape), PERMISSION_NAMES);
  assert.deepEqual(Object.keys(ENTRY_SCHEMAS).sort(), [...PERMISSION_NAMES].sort());
  for (const name of PERMISSION_NAMES) {
    assert.deepEqual(NO_PERMISSIONS[name], []);
    assert.equal(ALL_PERMISSIONS[name], true);
    assert.equal(permissionsSchema.shape[name].description, permissionKind(name).describe);
  }
  assert.ok(isPermissionGrant(NO_PERMISSIONS) && isPermissionGrant(ALL_PERMISSIONS));
  assert.equal(isPermissionGrant({ ...NO_PERMISSIONS, sys: undefined }), false);
  assert.throws(() => permissionKind('filesystem' as never), /unknown permission "filesystem"/);
});

test('each kind names its query field and says what covers what', () => {
  const fields = Object.fromEntries(PERMISSION_KINDS.map((kind) => [kind.name, kind.resource]));
  assert.deepEqual(fields, { read: 'path', write: 'path', net: 'host', env: 'variable', run: 'command', ffi: 'path', sys: 'kind', import: 'path' });
  assert.ok(permissionKind('read').covers('/srv/a/b', '/srv/a'));
  assert.ok(!permissionKind('read').covers('/srv/ab', '/srv/a'));
  assert.ok(permissionKind('net').covers('example.com:443', 'example.com'));
  assert.ok(!permissionKind('net').covers('example.com', 'example.com:443'));
  assert.ok(permissionKind('env').covers('AWS_KEY', 'AWS_*'));
  assert.ok(!permissionKind('run').covers('git', 'gi'));
  assert.equal(permissionKind('net').normalise('[::1]:80', '/'), '[::1]:80');
  assert.equal(permissionKind('net').normalise('Example.COM', '/'), 'example.com');
});

test('the plugin side of the kinds does not load zod (start time)', () => {
  const dir = join(repoRoot, 'dist', 'sdk', 'kernel', 'permissions');
  const files = readdirSync(dir).filter((name) => name.endsWith('.js'));
  assert.ok(files.length >= 10, `expected the kinds' modules in ${dir}`);
  for (const name of files) assert.ok(!/from ['"]zod['"]|require\(['"]zod['"]\)/.test(readFileSync(join(dir, name), 'utf8')), `${name} imports zod`);
});
