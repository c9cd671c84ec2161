/**
 * npm's installer stack (pacote, @npmcli/arborist, cacache) is loaded only when an
 * npm:/jsr: plugin is resolved: a host that loads a file: plugin never loads it. Checked
 * in a fresh child process through require.cache, which holds every CommonJS module
 * loaded (ESM imports of CommonJS included).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import { fixture, repoRoot } from '../helpers.js';

const probe = `
import { createRequire } from 'node:module';
const require = createRequire(import.meta.url);
const npmModules = () => Object.keys(require.cache).filter((k) => /node_modules\\/(pacote|@npmcli\\/arborist|cacache)\\//.test(k)).length;
const { PluginRuntime } = await import(process.argv[1] + '/dist/runtime/index.js');
const runtime = new PluginRuntime({ logLevel: 'silent' });
await runtime.load({ url: process.argv[2] });
await runtime.close();
const afterFilePlugin = npmModules();
// The control: the same count sees them once they are loaded.
const libs = await import(process.argv[1] + '/dist/runtime/packages/npm-libs.js');
libs.pacote(); libs.cacache();
console.log(JSON.stringify({ afterFilePlugin, afterNpmLibs: npmModules() }));
`;

test('loading a file: plugin does not load pacote, arborist or cacache', () => {
  const child = spawnSync(process.execPath, ['--input-type=module', '-e', probe, repoRoot, fixture('probe.mjs')], { encoding: 'utf8', timeout: 60_000 });
  assert.equal(child.status, 0, child.stderr);
  const counts = JSON.parse(child.stdout.trim().split('\n').at(-1)!) as { afterFilePlugin: number; afterNpmLibs: number };
  assert.equal(counts.afterFilePlugin, 0);
  assert.ok(counts.afterNpmLibs > 0, 'the control sees the libraries once they are loaded');
});
