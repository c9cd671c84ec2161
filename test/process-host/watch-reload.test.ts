/**
 * `--watch`: when a file: plugin's source changes, the host reloads it: cleanup() runs
 * on the old instance, the new source starts in a fresh worker with a new token, and
 * the old token is revoked.
 */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { watchPluginSources } from '../../runtime/pup/plugin-reloader.js';
import { folderWith, startHost, waitUntil } from './helpers.js';

const version = (n: number) => `
import { PluginImplementation, PaddockClient } from 'paddock-runtime/sdk';
export class PupPlugin extends PluginImplementation {
  meta = { name: 'hot', version: '1.0.${n}', api: '^1.0.0', repository: 'https://example.invalid/hot' };
  constructor(...args) {
    super(...args);
    void this.client.log('info', 'version ${n} up');
  }
  actions = {
    token: () => this.apiToken,
    callWith: async (token) => {
      try { await new PaddockClient(undefined, token).call('getState'); return 'accepted'; } catch (e) { return e.code; }
    },
  };
  async cleanup() {
    await this.client.log('info', 'version ${n} cleaned up');
    return true;
  }
}
`;

test('a changed plugin source is reloaded: old cleanup(), new worker, new token, old token revoked', async (t) => {
  const folder = folderWith({ 'hot.js': version(1) });
  t.after(folder.remove);
  const { host, pluginLines, close } = await startHost(folder.dir, { plugins: [{ url: './hot.js' }] });
  t.after(close);
  const stopWatching = await watchPluginSources(host);
  t.after(stopWatching);
  await waitUntil(() => pluginLines('hot').includes('version 1 up'), 'version 1 to start');
  const oldToken = await host.runtime.invoke('hot', 'token') as string;

  writeFileSync(join(folder.dir, 'hot.js'), version(2));
  await waitUntil(() => host.runtime.get('hot')?.meta?.version === '1.0.2' && host.runtime.get('hot')?.state === 'running', 'version 2 to run');

  const lines = pluginLines('hot');
  assert.ok(lines.indexOf('version 1 cleaned up') >= 0, 'cleanup() ran on the old instance');
  assert.ok(lines.indexOf('version 1 cleaned up') < lines.indexOf('version 2 up'));
  const newToken = await host.runtime.invoke('hot', 'token') as string;
  assert.notEqual(newToken, oldToken);
  assert.equal(await host.runtime.invoke('hot', 'callWith', newToken), 'accepted');
  assert.equal(await host.runtime.invoke('hot', 'callWith', oldToken), 'PADDOCK_ERR_TOKEN_REVOKED');
});
