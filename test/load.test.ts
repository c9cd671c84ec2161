import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isPaddockError, PluginCodeError, PluginLoadError } from '../runtime/index.js';
import { fixture, fixtureUrl, testRuntime, type TestRuntime } from './helpers.js';

let t: TestRuntime;
before(() => {
  t = testRuntime();
});
after(() => t.close());

test('a JavaScript plugin loads, runs an action and is listed as running', async () => {
  const info = await t.runtime.load({ url: './probe.mjs', id: 'js-probe', options: { mark: 1 } });
  assert.equal(info.state, 'running');
  assert.deepEqual(info.meta, { name: 'probe', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/probe' });
  assert.ok(info.actions.some((a) => a.name === 'echo'));
  assert.deepEqual(await t.runtime.invoke('js-probe', 'echo', { a: [1, 2] }), { a: [1, 2] });
  assert.deepEqual(await t.runtime.invoke('js-probe', 'options'), { mark: 1 });
  assert.equal(t.runtime.get('js-probe')?.state, 'running');
});

test('a TypeScript plugin loads from an absolute file: URL with relative .js → .ts and JSON imports', async () => {
  const info = await t.runtime.load({ url: fixtureUrl('ts-graph/main.ts') });
  assert.equal(info.id, 'ts-graph');
  assert.equal(await t.runtime.invoke('ts-graph', 'double', 20), 41);
});

test('a stack trace from a TypeScript plugin points at its .ts line', async () => {
  await t.runtime.load({ url: './throws-at-line.ts' });
  const error = await t.runtime.invoke('throws-at-line', 'fail', { sides: 2 }).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof PluginCodeError, `expected a PluginCodeError, got ${String(error)}`);
  assert.equal(error.code, 'PADDOCK_ERR_PLUGIN_THREW');
  assert.equal(error.origin, 'plugin');
  const cause = error.cause as Error;
  assert.equal(cause.name, 'RangeError');
  assert.equal(cause.message, 'a shape needs 3 sides, got 2');
  assert.match(cause.stack ?? '', /throws-at-line\.ts:10:\d+/);
});

async function refusal(entry: { url: string; id?: string; options?: Record<string, unknown> }): Promise<Error> {
  const error = await t.runtime.load(entry).then(() => undefined, (e: unknown) => e);
  assert.ok(error instanceof Error, `${entry.url} should have been refused`);
  return error;
}

test('a plugin without meta is refused and marked failed', async () => {
  const error = await refusal({ url: './no-meta.js' });
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_META_INVALID'), error.message);
  assert.match(error.message, /plugin "no-meta" has invalid meta/);
  assert.equal(t.runtime.get('no-meta')?.state, 'failed');
  assert.equal(t.runtime.get('no-meta')?.lastError?.code, 'PADDOCK_ERR_META_INVALID');
});

test('a plugin with incomplete meta is refused with the missing fields named', async () => {
  const error = await refusal({ url: './partial-meta.mjs' });
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_META_INVALID'));
  assert.match(error.message, /meta\.api is missing/);
  assert.match(error.message, /meta\.repository is missing/);
});

test('a plugin wanting another host API version is refused', async () => {
  const error = await refusal({ url: './api-incompatible.mjs' });
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_API_INCOMPATIBLE'));
  assert.equal(error.message, 'plugin "api-incompatible" requires host API "^2.0.0" but this host provides 1.0.0');
});

test('a module without a plugin class is refused, naming what it exports', async () => {
  const error = await refusal({ url: './no-class.mjs' });
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_NO_PLUGIN_CLASS'));
  assert.match(error.message, /expected a class exported as PupPlugin, Plugin or default \(found exports helper \(function\), notAPlugin \(number\)\)/);
});

test('a plugin with a syntax error is refused with the file and position (TS and JS)', async () => {
  const ts = await refusal({ url: './syntax-error.ts' });
  assert.ok(ts instanceof PluginLoadError);
  assert.equal((ts as PluginLoadError).code, 'PADDOCK_ERR_PLUGIN_IMPORT');
  assert.match(ts.message, /^plugin "syntax-error" \(\.\/syntax-error\.ts\) failed to load: SyntaxError: .*syntax-error\.ts:5:1\)$/);
  const js = await refusal({ url: './syntax-error-js.mjs' });
  assert.ok(isPaddockError(js, 'PADDOCK_ERR_PLUGIN_IMPORT'));
  assert.match(js.message, /SyntaxError: Unexpected token ':' \(.*syntax-error-js\.mjs:3:5\)$/);
});

test('a plugin whose validate() refuses does not start', async () => {
  const error = await refusal({ url: './refuses.mjs' });
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_VALIDATE_FAILED'));
  assert.match(error.message, /options\.ok must be true/);
  const ok = await t.runtime.load({ url: './refuses.mjs', id: 'refuses-ok', options: { ok: true } });
  assert.equal(ok.state, 'running');
});

test('missing files, unknown schemes and bad extensions are refused with the url', async () => {
  const missing = await refusal({ url: './nope/missing.ts' });
  assert.ok(isPaddockError(missing, 'PADDOCK_ERR_PLUGIN_NOT_FOUND'));
  assert.match(missing.message, /no file at .*nope\/missing\.ts/);
  const scheme = await refusal({ url: 'https://example.invalid/plugin.js', id: 'remote' });
  assert.ok(isPaddockError(scheme, 'PADDOCK_ERR_URL_UNSUPPORTED'));
  const extension = await refusal({ url: fixture('ts-graph/data.json'), id: 'json' });
  assert.ok(isPaddockError(extension, 'PADDOCK_ERR_URL_INVALID'));
});

test('a failed plugin leaves the others running', async () => {
  assert.equal(t.runtime.get('js-probe')?.state, 'running');
  assert.deepEqual(await t.runtime.invoke('js-probe', 'echo', 'still here'), 'still here');
});

test('ids are unique: a second load of the same url is refused unless the entry sets its own id', async () => {
  const second = await t.runtime.load({ url: './probe.mjs' });
  assert.equal(second.id, 'probe');
  await assert.rejects(t.runtime.load({ url: './probe.mjs' }), (e: unknown) => isPaddockError(e, 'PADDOCK_ERR_DUPLICATE_ID')
    && /id "probe" is already loaded \(this entry's id comes from "\.\/probe\.mjs": give the entry its own "id"/.test((e as Error).message));
  await assert.rejects(t.runtime.load({ url: './probe.mjs', id: 'probe' }), (e: unknown) => isPaddockError(e, 'PADDOCK_ERR_DUPLICATE_ID'));
  const third = await t.runtime.load({ url: './probe.mjs', id: 'probe-2' });
  assert.equal(third.id, 'probe-2');
});

test('unload stops the plugin and forgets it; invoking it afterwards names the id', async () => {
  await t.runtime.unload('probe-2');
  assert.equal(t.runtime.get('probe-2'), undefined);
  await assert.rejects(t.runtime.invoke('probe-2', 'echo', 1), /no plugin with id "probe-2" is loaded \(loaded: "[^)]*"\)/);
  await assert.rejects(t.runtime.invoke('probe-2', 'echo', 1), (error: Error) => !error.message.includes('"probe-2",') && error.message.includes('"probe"'));
});
