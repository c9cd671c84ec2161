/** `paddock check` and `run` with `--host`: scopes and calls checked against the user's own API. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPath, folderWith, runNode } from '../process-host/helpers.js';

// The host module imports paddock-runtime like a user's host would; the folder links to this checkout.
const hostModule = `import { defineMethod, z } from 'paddock-runtime';
export const apiVersion = '1.2.0';
export const api = {
  countUsers: defineMethod({ scope: 'users', params: z.tuple([]), handler: () => 42 }),
};
export const events = { user_joined: { scope: 'users' } };
`;

const plugin = `import { PluginImplementation, defineAction, z } from 'paddock-runtime/sdk';
export class PupPlugin extends PluginImplementation {
  meta = { name: 'counter', version: '1.0.0', api: '^1.2.0', repository: 'https://example.invalid/counter' };
  constructor(config, apiUrl, apiToken) {
    super(config, apiUrl, apiToken);
    this.client.on('user_joined', () => {});
    this.client.api.countUsers().then((n) => this.client.log('info', 'users: ' + n));
  }
  actions = { count: defineAction({ params: z.object({}), run: () => this.client.api.countUsers() }) };
}
`;

function project() {
  const folder = folderWith({
    'my-host.js': hostModule,
    'counter.js': plugin,
    'paddock.json': JSON.stringify({ plugins: [{ url: './counter.js', scopes: ['users'] }] }),
    'package.json': '{ "type": "module" }\n',
  });
  return folder;
}

test('check --host validates scopes against the host module, not the Pup profile', async (t) => {
  const folder = project();
  t.after(folder.remove);
  const { symlinkSync, mkdirSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { repoRoot } = await import('../helpers.js');
  mkdirSync(join(folder.dir, 'node_modules'));
  symlinkSync(repoRoot, join(folder.dir, 'node_modules', 'paddock-runtime'), 'dir');

  const pup = runNode(cliPath, ['check', './counter.js', '--scope', 'users'], folder.dir);
  assert.equal((await pup.exited).code, 3);
  assert.match(pup.stderr(), /unknown scope "users"/);

  const own = runNode(cliPath, ['check', './counter.js', '--scope', 'users', '--host', './my-host.js', '--json'], folder.dir);
  assert.equal((await own.exited).code, 0, own.stderr());
  const report = JSON.parse(own.stdout()) as { ok: boolean; hostApiVersion: string; scopes: string[]; subscriptions: string[] };
  assert.equal(report.ok, true);
  assert.equal(report.hostApiVersion, '1.2.0');
  assert.ok(report.scopes.includes('users'));
  assert.deepEqual(report.subscriptions, ['user_joined']);

  const unknown = runNode(cliPath, ['check', './counter.js', '--scope', 'admins', '--host', './my-host.js'], folder.dir);
  assert.equal((await unknown.exited).code, 3);
  assert.match(unknown.stderr(), /unknown scope "admins" \(this host knows: .*users/);

  const notHost = runNode(cliPath, ['check', './counter.js', '--host', './counter.js'], folder.dir);
  assert.equal((await notHost.exited).code, 3);
  assert.equal(notHost.stderr(), 'paddock check: --host ./counter.js exports no "api" or "events" (found exports PupPlugin (function))\n');

  const run = runNode(cliPath, ['run', 'paddock.json', '--host', './my-host.js', '--duration', '2'], folder.dir);
  assert.equal((await run.exited).code, 0, run.stderr());
  assert.match(run.stdout(), /"plugin":"counter".*"msg":"users: 42"/);
});
