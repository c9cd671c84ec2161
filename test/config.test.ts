import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { configJsonSchema, isPaddockError, PluginRuntime, readConfigFile } from '../runtime/index.js';
import { fixture, repoRoot, tempDir, testRuntime, type TestRuntime } from './helpers.js';

let dir: string;
let t: TestRuntime;

before(() => {
  dir = tempDir('paddock-config-');
  mkdirSync(join(dir, 'plugins'));
  writeFileSync(join(dir, 'plugins', 'probe.mjs'), readFileSync(fixture('probe.mjs')));
  t = testRuntime();
});
after(() => t.close());

function write(name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

async function configError(path: string): Promise<string> {
  const error = await t.runtime.loadConfig(path).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof Error, `${path} should be refused`);
  return error.message;
}

test('a JSONC config with comments and trailing commas loads; relative urls are resolved from its folder', async () => {
  const path = write('ok.jsonc', `{
    // the probe, twice
    "plugins": [
      { "url": "./plugins/probe.mjs", "id": "one", "options": { "n": 1 }, },
      { "url": "plugins/probe.mjs", "id": "two" },
      { "url": "./plugins/probe.mjs", "id": "off", "enabled": false },
    ],
  }`);
  const report = await t.runtime.loadConfig(path);
  assert.deepEqual(report.loaded.map((p) => p.id), ['one', 'two']);
  assert.deepEqual(report.failed, []);
  assert.deepEqual(await t.runtime.invoke('one', 'options'), { n: 1 });
  assert.equal(t.runtime.get('off'), undefined);
  await t.runtime.unload('one');
  await t.runtime.unload('two');
});

test('a missing file says so', async () => {
  const message = await configError(join(dir, 'absent.json'));
  assert.equal(message, `cannot read config ${join(dir, 'absent.json')}: no such file`);
});

test('syntax errors are listed with line and column', async () => {
  const path = write('broken.json', '{\n  "plugins": [\n    { "url": "./a.js" \n  ]\n}\n');
  const message = await configError(path);
  assert.match(message, /is not valid JSON\/JSONC:/);
  assert.match(message, /broken\.json:4:3: CommaExpected/);
});

test('every schema mistake is reported at once with its path', async () => {
  const path = write('bad.json', JSON.stringify({
    plugins: [
      { url: './plugins/probe.mjs' },
      { url: 42 },
      { url: './plugins/probe.mjs', optoins: {} },
      { url: './plugins/probe.mjs', limits: { blockTimeoutMs: 0, heap: 5 } },
      { url: './plugins/probe.mjs', id: 'has space' },
      { options: {} },
      { url: '' },
    ],
    extra: true,
  }));
  const message = await configError(path);
  const lines = message.split('\n').slice(1);
  assert.deepEqual(lines, [
    '  - plugins[1].url: Invalid input: expected string, received number',
    '  - plugins[2]: unknown key "optoins"',
    '  - plugins[3].limits.blockTimeoutMs: Too small: expected number to be >0',
    '  - plugins[3].limits: unknown key "heap"',
    '  - plugins[4].id: expected letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)',
    '  - plugins[5].url: expected "url" (a plugin module: a path, file:, npm: or jsr:) or "exec" (an external executable)',
    '  - plugins[6].url: expected a plugin url such as "file:///abs/plugin.ts", "./plugin.js", "npm:pkg@1" or "jsr:@scope/pkg@1"',
    '  - (root): unknown key "extra"',
  ]);
  assert.deepEqual(t.runtime.list().map((p) => p.id), [], 'nothing loaded from an invalid config');
});

test('unknown scopes and duplicate ids are config errors with their paths', async () => {
  const path = write('scopes.json', JSON.stringify({
    plugins: [
      { url: './plugins/probe.mjs', id: 'x', scopes: ['read', 'contrl'] },
      { url: './plugins/probe.mjs', id: 'y' },
      { url: './plugins/probe.mjs', id: 'y' },
    ],
  }));
  const message = await configError(path);
  assert.match(message, /plugins\[0\]\.scopes\[1\]: unknown scope "contrl" \(this host knows: log, read, publish, lifecycle\)/);
  assert.match(message, /plugins\[2\]\.id: a plugin with id "y" is already loaded/);
  assert.deepEqual(t.runtime.list(), []);
});

test('a plugin that fails to load is reported; the other plugins of the config load', async () => {
  const path = write('mixed.json', JSON.stringify({ plugins: [{ url: './plugins/missing.mjs' }, { url: './plugins/probe.mjs', id: 'fine' }] }));
  const report = await t.runtime.loadConfig(path);
  assert.deepEqual(report.loaded.map((p) => p.id), ['fine']);
  assert.equal(report.failed.length, 1);
  assert.equal(report.failed[0]!.path, 'plugins[0]');
  assert.ok(isPaddockError(report.failed[0]!.error, 'PADDOCK_ERR_PLUGIN_NOT_FOUND'));
  await t.runtime.unload('fine');
  await t.runtime.unload('missing');
});

test('readConfigFile validates without loading', async () => {
  const { config, baseDir } = await readConfigFile(write('only.json', '{ "plugins": [] }'));
  assert.deepEqual(config, { plugins: [] });
  assert.equal(baseDir, dir);
});

test('bad runtime options are refused with each option named', () => {
  assert.throws(() => new PluginRuntime({ apiVersion: 'one', tokenLifeMs: 100, tokenRenewBeforeMs: 200 } as never), (e: unknown) =>
    isPaddockError(e, 'PADDOCK_ERR_OPTIONS_INVALID')
    && /apiVersion: expected a semver version/.test((e as Error).message)
    && /tokenRenewBeforeMs: tokenRenewBeforeMs must be less than tokenLifeMs/.test((e as Error).message));
  assert.throws(() => new PluginRuntime({ api: { log: { scope: 'x', params: {}, handler: 1 } } } as never), /api\.log\.params: expected a zod tuple/);
});

test('the shipped JSON Schema is the one generated from the zod schema', () => {
  const shipped = JSON.parse(readFileSync(join(repoRoot, 'schema', 'paddock.config.schema.json'), 'utf8')) as unknown;
  assert.deepEqual(shipped, configJsonSchema(), 'run `npm run schema` and commit schema/paddock.config.schema.json');
});
