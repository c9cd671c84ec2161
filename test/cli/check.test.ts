/** `paddock check <url>` as a real child process: the report, exit codes, one-line reasons. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPath, folderWith, runNode } from '../process-host/helpers.js';

test('paddock check prints meta, actions, scopes and events of a good plugin and exits 0', async () => {
  const run = runNode(cliPath, ['check', 'examples/plugins/status-alerter.js', '--scope', 'control']);
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.equal(run.stdout(), [
    'plugin       examples/plugins/status-alerter.js',
    'id           status-alerter',
    'result       ok: loaded, verified, validated, configured and stopped cleanly',
    'meta         status-alerter 1.0.0, host API ^1.0.0 (this host offers 1.0.0)',
    'repository   https://example.invalid/paddock/examples/plugins/status-alerter',
    'actions      (none)',
    'scopes       log, read, publish, lifecycle, control',
    'listens to   process_status_changed',
    'permissions  worker isolation',
    '             read    nothing, besides its code folder and its data folder',
    '             write   nothing, besides its data folder',
    '             net     nothing',
    '             env     nothing',
    '             run     nothing',
    '             ffi     nothing',
    '             sys     nothing',
    '             import  nothing, besides its code folder',
    'logged       (nothing)',
    '',
  ].join('\n'));
});

test('paddock check prints the permissions a plugin would get, and refuses malformed ones with their path', async () => {
  const run = runNode(cliPath, ['check', 'examples/plugins/status-alerter.js', '--isolation', 'process',
    '--permissions', '{"env": ["HOME"], "net": ["127.0.0.1:8080"], "read": ["./docs"]}', '--json']);
  assert.equal((await run.exited).code, 0, run.stderr());
  const report = JSON.parse(run.stdout()) as { isolation: string; permissions: Record<string, unknown> };
  assert.equal(report.isolation, 'process');
  assert.deepEqual(report.permissions.env, ['HOME']);
  assert.deepEqual(report.permissions.net, ['127.0.0.1:8080']);
  assert.match(String((report.permissions.read as string[])[0]), /\/docs$/);
  assert.deepEqual(report.permissions.write, []);
  const bad = runNode(cliPath, ['check', 'examples/plugins/status-alerter.js', '--permissions', '{"rea": true}']);
  assert.equal((await bad.exited).code, 3);
  assert.match(bad.stderr(), /permissions: unknown key "rea"/);
});

test('paddock check --json lists actions with their params', async () => {
  const run = runNode(cliPath, ['check', 'examples/plugins/process-reporter.ts', '--options', '{"label":"x"}', '--json']);
  assert.equal((await run.exited).code, 0, run.stderr());
  const report = JSON.parse(run.stdout()) as { ok: boolean; actions: Array<{ name: string; params?: { properties?: object } }>; scopes: string[] };
  assert.equal(report.ok, true);
  assert.deepEqual(report.actions.map((a) => a.name), ['summary', 'recentLogs']);
  assert.deepEqual(Object.keys(report.actions[1]!.params!.properties!), ['processId', 'nRows']);
  assert.deepEqual(report.scopes, ['log', 'read', 'publish', 'lifecycle']);
});

test('paddock check: a plugin that fails verification exits 1 with a one-line reason', async (t) => {
  const folder = folderWith({
    'old-api.js': `
      import { PluginImplementation } from 'paddock-runtime/sdk';
      export class PupPlugin extends PluginImplementation {
        meta = { name: 'old-api', version: '0.1.0', api: '^0.9.0', repository: 'https://example.invalid/old' };
      }`,
  });
  t.after(folder.remove);
  const run = runNode(cliPath, ['check', './old-api.js'], folder.dir);
  assert.equal((await run.exited).code, 1);
  assert.equal(run.stderr(), 'paddock check: plugin "old-api" requires host API "^0.9.0" but this host provides 1.0.0\n');
  assert.match(run.stdout(), /^result {7}FAILED: plugin "old-api" requires host API "\^0\.9\.0" but this host provides 1\.0\.0$/m);
});

test('paddock check: options the plugin refuses in validate() fail the check', async () => {
  const run = runNode(cliPath, ['check', 'examples/plugins/memory-threshold.ts', '--options', '{"threshold": 900}']);
  assert.equal((await run.exited).code, 1);
  assert.equal(run.stderr(), 'paddock check: plugin "memory-threshold" failed its own validate(): options.threshold must be a percentage between 0 and 100, got 900\n');
});

test('paddock check: an unknown scope exits 3, bad --options exits 2', async () => {
  const scope = runNode(cliPath, ['check', 'examples/plugins/status-alerter.js', '--scope', 'root']);
  assert.equal((await scope.exited).code, 3);
  assert.match(scope.stderr(), /^paddock check: invalid config entry: scopes\[0\]: unknown scope "root" \(this host knows: [a-z, ]+\)\n$/);
  const options = runNode(cliPath, ['check', 'examples/plugins/status-alerter.js', '--options', '{oops']);
  assert.equal((await options.exited).code, 2);
  assert.match(options.stderr(), /^paddock check: --options is not JSON: /);
});
