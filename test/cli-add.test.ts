/**
 * `paddock add` as a user runs it: the real CLI in a child process against a real
 * registry (Verdaccio on 127.0.0.1, started once for this file).
 */
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { appendFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { repoRoot, tempDir, testRuntime } from './helpers.js';
import { startRegistry, type TestRegistry } from './support/registry.js';

let registry: TestRegistry;
const cleanup: string[] = [];
const cli = join(repoRoot, 'dist', 'runtime', 'cli', 'main.js');

function dir(prefix: string): string {
  const path = tempDir(`paddock-${prefix}-`);
  cleanup.push(path);
  return path;
}

interface Run { code: number | null; stdout: string; stderr: string }

function paddock(args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk: Buffer) => { stdout += chunk.toString(); });
    child.stderr.on('data', (chunk: Buffer) => { stderr += chunk.toString(); });
    const timer = setTimeout(() => child.kill(), 60_000);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

const registryFlags = () => ['--registry', registry.url, '--jsr-registry', registry.url];

before(async () => {
  registry = await startRegistry();
  for (const name of ['acme-shout', 'acme-greeter', 'jsr-acme-hello', 'acme-no-class']) await registry.publish(name);
});

after(async () => {
  await registry?.stop();
  for (const path of cleanup) rmSync(path, { recursive: true, force: true });
});

test('paddock add installs, locks, pins the range, adds to the config and shows progress', async () => {
  const configDir = dir('config');
  const cacheDir = dir('cache');
  const config = join(configDir, 'paddock.json');
  const run = await paddock(['add', 'npm:@acme/greeter', '--config', config, '--cache-dir', cacheDir, ...registryFlags()]);
  assert.equal(run.code, 0, run.stderr);
  assert.match(run.stdout, /^npm:@acme\/greeter@\^1\.0\.0 → @acme\/greeter@1\.0\.0 \(sha512-.{13}…\) locked in .*paddock\.lock; config .*paddock\.json: added\n$/);
  // Progress on stderr: the bar with packages and bytes, then a summary.
  assert.match(run.stderr, /resolve npm:@acme\/greeter/);
  assert.match(run.stderr, /fetch \[=+\] 2\/2 packages {2}\d+(\.\d)? (B|kB)/);
  assert.match(run.stderr, /installed @acme\/greeter@1\.0\.0: 2 packages in the tree, \d+(\.\d)? (B|kB) downloaded/);
  assert.deepEqual(JSON.parse(readFileSync(config, 'utf8')), { plugins: [{ url: 'npm:@acme/greeter@^1.0.0' }] });
  const lock = JSON.parse(readFileSync(join(configDir, 'paddock.lock'), 'utf8')) as { specifiers: Record<string, string> };
  assert.deepEqual(lock.specifiers, { 'npm:@acme/greeter@^1.0.0': '@acme/greeter@1.0.0' });

  // The config runs frozen, without asking the registry anything.
  const requests = await registry.requests();
  const t = testRuntime({ packages: { frozen: true, cacheDir, registry: registry.url } });
  try {
    const report = await t.runtime.loadConfig(config);
    assert.deepEqual(report.failed, []);
    assert.equal(await t.runtime.invoke('greeter', 'greet', { name: 'cli' }), 'HELLO CLI!');
    assert.equal(await registry.requests(), requests);
  } finally {
    await t.close();
  }
});

test('paddock add keeps the comments of a JSONC config, updates an entry of the same package, and honours PADDOCK_CACHE_DIR', async () => {
  const configDir = dir('config');
  const cacheDir = dir('cache');
  const config = join(configDir, 'paddock.json');
  writeFileSync(config, '{\n  // the host\'s plugins\n  "plugins": [\n    { "url": "./local.ts", "options": { "a": 1 } },\n    { "url": "npm:@acme/greeter@^0.9" },\n  ],\n}\n');
  const env = { PADDOCK_CACHE_DIR: cacheDir };
  const first = await paddock(['add', 'jsr:@acme/jsr-hello@^1', 'npm:@acme/greeter@1', '--config', config, ...registryFlags()], env);
  assert.equal(first.code, 0, first.stderr);
  assert.match(first.stdout, /jsr:@acme\/jsr-hello@\^1 → @jsr\/acme__jsr-hello@1\.0\.0 .*: added\n/);
  assert.match(first.stdout, /npm:@acme\/greeter@1 → @acme\/greeter@1\.0\.0 .*: updated\n/);
  const text = readFileSync(config, 'utf8');
  assert.match(text, /\/\/ the host's plugins/);
  assert.match(text, /"url": "npm:@acme\/greeter@1"/);
  assert.doesNotMatch(text, /\^0\.9/);
  assert.match(text, /"url": "jsr:@acme\/jsr-hello@\^1"/);
  assert.ok(readdirSync(join(cacheDir, 'installs')).length >= 2, 'installed into PADDOCK_CACHE_DIR');
  const again = await paddock(['add', 'npm:@acme/greeter@1', '--config', config, ...registryFlags()], env);
  assert.equal(again.code, 0, again.stderr);
  assert.match(again.stdout, /: unchanged\n$/);
  // Nothing is downloaded again, but the tree is still counted.
  assert.match(again.stderr, /installed @acme\/greeter@1\.0\.0: 2 packages in the tree, 0 B downloaded/);
});

test('paddock add refuses a package that exports no plugin class, says what it exports, and leaves the config alone', async () => {
  const configDir = dir('config');
  const config = join(configDir, 'paddock.json');
  writeFileSync(config, '{ "plugins": [] }\n');
  const run = await paddock(['add', 'npm:@acme/no-class', '--config', config, '--cache-dir', dir('cache'), ...registryFlags()]);
  assert.equal(run.code, 1, run.stderr);
  const last = run.stderr.trim().split('\n').at(-1)!;
  // The line docs/reference/cli.md shows.
  assert.equal(last, 'paddock add: npm:@acme/no-class@^1.0.0 is not a Paddock plugin: plugin "no-class" (npm:@acme/no-class@^1.0.0) exports no plugin class: ' +
    'expected a class exported as PupPlugin, Plugin or default (found exports notAPlugin (number)); the config is unchanged');
  assert.equal(run.stderr.split('exports no plugin class').length - 1, 1, 'said once');
  assert.equal(readFileSync(config, 'utf8'), '{ "plugins": [] }\n');
});

test('the runtime refuses a tampered install; paddock add replaces it', async () => {
  const configDir = dir('config');
  const cacheDir = dir('cache');
  const config = join(configDir, 'paddock.json');
  const add = () => paddock(['add', 'npm:@acme/greeter@^1.0.0', '--config', config, '--cache-dir', cacheDir, ...registryFlags()]);
  assert.equal((await add()).code, 0);
  const [install] = readdirSync(join(cacheDir, 'installs'));
  appendFileSync(join(cacheDir, 'installs', install!, 'node_modules', '@acme', 'greeter', 'plugin.js'), '\n// changed\n');
  const load = async () => {
    const t = testRuntime({ packages: { frozen: true, cacheDir } });
    try {
      return await t.runtime.loadConfig(config);
    } finally {
      await t.close();
    }
  };
  const refused = await load();
  assert.equal((refused.failed[0]?.error as Error & { code?: string }).code, 'PADDOCK_ERR_INTEGRITY');
  assert.match(refused.failed[0]!.error.message, /changed: node_modules\/@acme\/greeter\/plugin\.js/);
  // The advice fits a dependency as well as a plugin: never "paddock add" (that would make it a plugin entry).
  assert.match(refused.failed[0]!.error.message, /delete .+ and load again, without --frozen, to install it afresh/);
  assert.doesNotMatch(refused.failed[0]!.error.message, /paddock add/);
  const repaired = await add();
  assert.equal(repaired.code, 0, repaired.stderr);
  assert.match(repaired.stderr, /the installed files were changed .*; installing them again/);
  assert.deepEqual((await load()).failed, []);
});

test('paddock add reports bad input in one line with a non-zero exit code', async () => {
  const configDir = dir('config');
  const base = ['--config', join(configDir, 'paddock.json'), '--cache-dir', dir('cache')];
  const cases: Array<{ args: string[]; code: number; stderr: RegExp }> = [
    { args: ['add', 'npm:Bad Name!', ...base, ...registryFlags()], code: 1, stderr: /^paddock add: package specifier "npm:Bad Name!" is malformed: / },
    { args: ['add', 'npm:@acme/nope', ...base, ...registryFlags()], code: 1, stderr: /^resolve npm:@acme\/nope {2}@acme\/nope@latest\npaddock add: npm:@acme\/nope: the registry http:\/\/127\.0\.0\.1:\d+\/ has no package "@acme\/nope"\n$/ },
    { args: ['add', 'npm:@acme/greeter@^7', ...base, ...registryFlags()], code: 1, stderr: /paddock add: npm:@acme\/greeter@\^7: no version of @acme\/greeter matches "\^7" \(available: 1\.0\.0; latest is 1\.0\.0\)\n$/ },
    { args: ['add', './plugin.ts', ...base], code: 2, stderr: /^paddock add: "\.\/plugin\.ts": paddock add takes npm: or jsr: specifiers\n$/ },
    { args: ['add', 'npm:x', '--registry', 'ftp://nowhere', ...base], code: 2, stderr: /^paddock add: invalid option --registry: expected an http\(s\) URL of an npm registry\n$/ },
    { args: ['add', 'npm:x', '--frozen', ...base], code: 2, stderr: /^paddock add: unknown option --frozen \(see --help\)\n$/ },
    { args: ['add', ...base], code: 2, stderr: /give at least one npm: or jsr: specifier/ },
  ];
  for (const { args, code, stderr } of cases) {
    const run = await paddock(args);
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.match(run.stderr, stderr);
  }
  assert.deepEqual(readdirSync(configDir), [], 'nothing was written for failed adds');
});
