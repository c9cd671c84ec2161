/**
 * Deno-style plugin folders: bare specifiers resolved by deno.jsonc (imports, scopes)
 * and package.json (dependencies, imports), with npm: and jsr: targets installed from
 * a real registry (Verdaccio on 127.0.0.1) into the cache and locked, and the Pup
 * packages, under their jsr: and their npm-layer names, mapped to the runtime's shims.
 */
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import { resolveImportMap } from '../sdk/kernel/import-map.js';
import { fixture, tempDir, testRuntime } from './helpers.js';
import { startRegistry, type TestRegistry } from './support/registry.js';

let registry: TestRegistry;
const cleanup: string[] = [];

before(async () => {
  registry = await startRegistry();
  for (const name of ['acme-shout', 'jsr-acme-hello']) await registry.publish(name);
});

after(async () => {
  await registry?.stop();
  for (const path of cleanup) rmSync(path, { recursive: true, force: true });
});

function setup() {
  const configDir = tempDir('paddock-imap-config-');
  const cacheDir = tempDir('paddock-imap-cache-');
  cleanup.push(configDir, cacheDir);
  const t = testRuntime({ baseDir: configDir, packages: { registry: registry.url, jsrRegistry: registry.url, cacheDir, fetchRetryDelayMs: 10 } });
  return { ...t, configDir, cacheDir };
}

test('a plugin with a deno.jsonc import map runs unmodified: shims, npm:, jsr: (with subpath), files, scopes', async () => {
  const t = setup();
  try {
    const info = await t.runtime.load({ url: fixture('deno-plugin/mod.ts') });
    assert.equal(info.state, 'running');
    assert.equal(await t.runtime.invoke(info.id, 'greet', { name: 'Ada' }), 'HELLO FROM JSR, ADA!');
    assert.equal(await t.runtime.invoke(info.id, 'whisper', { text: 'Psst' }), 'psst...', 'the scope maps "shout" to lib/quiet.js inside lib/');
    assert.equal(await t.runtime.invoke(info.id, 'running'), 200);
    const shoutUrl = await t.runtime.invoke(info.id, 'shoutUrl') as string;
    assert.ok(fileURLToPath(shoutUrl).startsWith(join(t.cacheDir, 'installs')), shoutUrl);
    const lock = JSON.parse(readFileSync(join(t.configDir, 'paddock.lock'), 'utf8')) as { specifiers: Record<string, string> };
    assert.deepEqual(lock.specifiers, {
      'jsr:@acme/jsr-hello@^1': '@jsr/acme__jsr-hello@1.0.0',
      'npm:@acme/shout@^1': '@acme/shout@1.0.0',
    }, 'the Pup packages are the shims: nothing installed for them');
  } finally {
    await t.close();
  }
});

test('package.json dependencies and imports resolve bare specifiers; @jsr/pup__plugin is the shim', async () => {
  const t = setup();
  try {
    const info = await t.runtime.load({ url: fixture('package-json-plugin/main.js') });
    assert.equal(info.state, 'running');
    assert.equal(await t.runtime.invoke(info.id, 'shout', { text: 'hi' }), 'HI! HI!');
    assert.equal(await t.runtime.invoke(info.id, 'isShim'), true);
    const lock = JSON.parse(readFileSync(join(t.configDir, 'paddock.lock'), 'utf8')) as { specifiers: Record<string, string> };
    assert.deepEqual(Object.keys(lock.specifiers), ['npm:@acme/shout@^1.0.0']);
  } finally {
    await t.close();
  }
});

test('import map resolution: exact keys, the longest prefix, package subpaths, scopes, and no mapping of paths or URLs', () => {
  const map = {
    imports: { a: 'npm:a@1', 'a/x/': 'file:///other/', 'lib/': 'file:///p/lib/', pkg: 'jsr:@s/pkg@^2' },
    scopes: { 'file:///p/vendor/': { a: 'file:///p/vendor/a.js' } },
  };
  assert.equal(resolveImportMap(map, 'a', 'file:///p/mod.ts'), 'npm:a@1');
  assert.equal(resolveImportMap(map, 'a/sub', 'file:///p/mod.ts'), 'npm:a@1/sub');
  assert.equal(resolveImportMap(map, 'a/x/y.js', 'file:///p/mod.ts'), 'file:///other/y.js', 'a longer prefix wins');
  assert.equal(resolveImportMap(map, 'lib/u.js', undefined), 'file:///p/lib/u.js');
  assert.equal(resolveImportMap(map, 'pkg/helpers', undefined), 'jsr:@s/pkg@^2/helpers');
  assert.equal(resolveImportMap(map, 'a', 'file:///p/vendor/v.js'), 'file:///p/vendor/a.js');
  assert.equal(resolveImportMap(map, 'b', 'file:///p/mod.ts'), undefined);
  for (const specifier of ['./a', '../a', '/a', 'node:fs', 'npm:a', 'file:///a']) assert.equal(resolveImportMap(map, specifier, 'file:///p/mod.ts'), undefined, specifier);
});
