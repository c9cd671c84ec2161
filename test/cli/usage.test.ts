/**
 * The CLI's shared behaviour: exit codes (usage 2, config 3, failure 1), flag suggestions,
 * the package flags on every command that loads plugins, and each error printed once.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Writable } from 'node:stream';
import { main } from '../../runtime/cli/main.js';
import { cliPath, folderWith, runNode } from '../process-host/helpers.js';

async function output(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({
    write(chunk: Buffer, _encoding, done) {
      append(chunk.toString());
      done();
    },
  });
  const code = await main(args, { stdout: sink((t) => { stdout += t; }), stderr: sink((t) => { stderr += t; }) });
  return { code, stdout, stderr };
}

const noClass = 'export const x = 1;\nexport function helper() {}\n';

test('no arguments is bad usage: exit 2, the help on stderr', async () => {
  const { code, stdout, stderr } = await output([]);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.match(stderr, /^paddock: run sandboxed plugins/);
});

test('an unknown flag names the nearest known one, on every command', async () => {
  for (const [args, near] of [
    [['check', 'x.js', '--frozn'], '--frozen'],
    [['run', 'a.json', '--cache-di', 'c'], '--cache-dir'],
    [['invoke', 'a.json', 'p', 'a', '--timout', '1'], '--timeout'],
    [['add', 'npm:x', '--regsitry', 'http://127.0.0.1:1/'], '--registry'],
  ] as const) {
    const { code, stderr } = await output([...args]);
    assert.equal(code, 2, args.join(' '));
    assert.match(stderr, new RegExp(`unknown option --\\S+ \\(did you mean ${near}\\?\\)`), args.join(' '));
    assert.equal(stderr.split('\n').length, 2, 'one line');
  }
  const far = await output(['check', 'x.js', '--zzzzzzzzzz']);
  assert.equal(far.stderr, 'paddock check: unknown option --zzzzzzzzzz (see --help)\n');
});

test('a negative number after a flag is its (bad) value, not an ambiguous argument', async () => {
  const { code, stderr } = await output(['invoke', 'a.json', 'p', 'a', '--timeout', '-1']);
  assert.equal(code, 2);
  assert.equal(stderr, 'paddock invoke: --timeout expects a number of seconds > 0, got "-1"\n');
  const missing = await output(['run', 'a.json', '--duration', '--pretty']);
  assert.equal(missing.code, 2);
  assert.match(missing.stderr, /--duration needs a value/);
});

test('run, check and invoke take --frozen, --cache-dir and the registry options', async () => {
  for (const command of ['run', 'check', 'invoke', 'add']) {
    const { stdout } = await output([command, '--help']);
    for (const flag of ['--cache-dir', '--registry', '--jsr-registry']) assert.ok(stdout.includes(flag), `${command} ${flag}`);
    if (command !== 'add') assert.ok(stdout.includes('--frozen'), `${command} --frozen`);
  }
  const bad = await output(['check', 'x.js', '--registry', 'not a url']);
  assert.equal(bad.code, 2);
  assert.match(bad.stderr, /^paddock check: invalid option --registry: /);
});

test('check --frozen --cache-dir loads a file: plugin (no package needed, no network)', async (t) => {
  const folder = folderWith({ 'noop.mjs': 'export default class Noop { meta = { name: "noop", version: "1.0.0", api: "^1.0.0", repository: "https://example.invalid/noop" }; }\n' });
  t.after(folder.remove);
  const run = runNode(cliPath, ['check', './noop.mjs', '--frozen', '--cache-dir', 'cache', '--json'], folder.dir);
  assert.equal((await run.exited).code, 0, run.stderr());
  assert.equal((JSON.parse(run.stdout()) as { ok: boolean }).ok, true);
});

test('a permission of the wrong form says the expected form (exit 3)', async () => {
  const { code, stderr } = await output(['check', 'x.js', '--permissions', '{"read": "./data", "net": 443}']);
  assert.equal(code, 3);
  assert.equal(stderr, 'paddock check: invalid config entry: permissions.read: expected true, false or a list of paths, got "./data"; ' +
    'permissions.net: expected true, false or a list of "host" or "host:port" strings, got 443\n');
});

test('a plugin that fails is reported once on stderr, and its log line holds the reason once', async (t) => {
  const folder = folderWith({
    'no-class.mjs': noClass,
    'run.json': JSON.stringify({ processes: [], plugins: [{ url: './no-class.mjs' }] }),
  });
  t.after(folder.remove);
  const check = runNode(cliPath, ['check', './no-class.mjs'], folder.dir);
  assert.equal((await check.exited).code, 1);
  assert.equal(check.stderr().split('exports no plugin class').length - 1, 1, check.stderr());
  assert.match(check.stderr(), /found exports helper \(function\), x \(number\)/);

  const run = runNode(cliPath, ['run', 'run.json', '--duration', '0.5'], folder.dir);
  assert.equal((await run.exited).code, 1);
  assert.equal(run.stderr().split('\n').length, 2, 'one line on stderr');
  const failed = run.stdout().split('\n').filter((l) => l.includes('→ failed'));
  assert.equal(failed.length, 1);
  assert.equal(failed[0]!.split('exports no plugin class').length - 1, 1, failed[0]);
  assert.equal((JSON.parse(failed[0]!) as { code?: string }).code, 'PADDOCK_ERR_NO_PLUGIN_CLASS');
});

test('two entries with the same derived id are refused (exit 3) unless one sets its own id', async (t) => {
  const folder = folderWith({
    'no-class.mjs': noClass,
    'twice.json': JSON.stringify({ processes: [], plugins: [{ url: './no-class.mjs' }, { url: './no-class.mjs' }] }),
  });
  t.after(folder.remove);
  const run = runNode(cliPath, ['run', 'twice.json', '--duration', '0.5'], folder.dir);
  assert.equal((await run.exited).code, 3);
  assert.match(run.stderr(), /plugins\[1\]\.id: a plugin with id "no-class" is already loaded \(this entry's id comes from "\.\/no-class\.mjs": give the entry its own "id"/);
});
