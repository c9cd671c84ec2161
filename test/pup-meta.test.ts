/**
 * Two meta rules: a plugin extending the jsr:@pup/plugin class is held to Pup's (no
 * field still "unset"; `api` is Pup's API version, not a range of this host's), any
 * other plugin to Paddock's (semver version, an `api` range the host satisfies). The
 * shim's base class defaults match Pup's: "unset" meta, a refreshApiToken to call.
 */
import assert from 'node:assert/strict';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, test } from 'node:test';
import { isPaddockError } from '../runtime/index.js';
import { tempDir, testRuntime, type TestRuntime } from './helpers.js';

let t: TestRuntime;
let dir: string;
before(() => {
  t = testRuntime();
  dir = tempDir('paddock-meta-');
});
after(async () => {
  await t.close();
  rmSync(dir, { recursive: true, force: true });
});

function plugin(name: string, source: string): string {
  writeFileSync(join(dir, name), source);
  return pathToFileURL(join(dir, name)).href;
}

const pupPlugin = (meta: string, extra = '') => `
import { PluginImplementation } from "jsr:@pup/plugin@^1.0.1"
export class PupPlugin extends PluginImplementation {
  constructor(config, apiUrl, apiToken) {
    super(config, apiUrl, apiToken)
    ${meta}
  }
  ${extra}
}`;

test('a Pup plugin declaring Pup\'s API version "2.0.2" and a non-semver version loads', async () => {
  const url = plugin('web-like.js', pupPlugin(`this.meta = { name: "web-like", version: "1.0", api: "2.0.2", repository: "https://example.invalid/web" }`, `
    tokens = []
    async refreshApiToken(token) { await super.refreshApiToken(token); this.tokens.push(token) }
    actions = { tokens: () => this.tokens.length }`));
  const info = await t.runtime.load({ url, id: 'web-like' });
  assert.equal(info.state, 'running');
  assert.deepEqual(info.meta, { name: 'web-like', version: '1.0', api: '2.0.2', repository: 'https://example.invalid/web' });
});

test('a Pup plugin that leaves a field "unset" is refused, naming it', async () => {
  const url = plugin('half.js', pupPlugin(`this.meta.name = "half"; this.meta.version = "1.0.0"`));
  const error = await t.runtime.load({ url, id: 'half' }).then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_META_INVALID'), String(error));
  assert.match(error.message, /meta\.api is still "unset" \(Pup's rule: set every field\); meta\.repository is still "unset"/);
});

test('the base class offers refreshApiToken, so super.refreshApiToken(token) works', async () => {
  const url = plugin('calls-super.js', pupPlugin(`this.meta = { name: "s", version: "1", api: "1", repository: "r" }`, `
    async refreshApiToken(token) { return await super.refreshApiToken(token) }
    actions = { refresh: async () => ({ result: await this.refreshApiToken("x") ?? null }) }`));
  await t.runtime.load({ url, id: 'calls-super' });
  assert.deepEqual(await t.runtime.invoke('calls-super', 'refresh'), { result: null });
});

test('a plugin written against paddock-runtime/sdk keeps Paddock\'s semver rule', async () => {
  const url = plugin('sdk.js', `
    import { PluginImplementation } from 'paddock-runtime/sdk';
    export class Plugin extends PluginImplementation {
      meta = { name: 'sdk', version: '1.0', api: '2.0.2', repository: 'https://example.invalid/sdk' };
    }`);
  const error = await t.runtime.load({ url, id: 'sdk' }).then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_META_INVALID'), String(error));
  assert.match(error.message, /meta\.version "1\.0" is not a semver version/);
  const url2 = plugin('sdk2.js', `
    import { PluginImplementation } from 'paddock-runtime/sdk';
    export class Plugin extends PluginImplementation {
      meta = { name: 'sdk2', version: '1.0.0', api: '2.0.2', repository: 'https://example.invalid/sdk' };
    }`);
  const incompatible = await t.runtime.load({ url: url2, id: 'sdk2' }).then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(incompatible, 'PADDOCK_ERR_API_INCOMPATIBLE'), String(incompatible));
});
