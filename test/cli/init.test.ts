/**
 * `paddock init` as a user runs it: the real CLI scaffolds a project in a temp folder,
 * and the project's own test passes under `node --test` against this checkout (linked
 * as node_modules/paddock-runtime, the way `npm install` would place the package).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tempDir } from '../helpers.js';
import { cliPath } from '../process-host/helpers.js';

test('paddock init scaffolds a plugin project whose own test passes at once', (t) => {
  const parent = tempDir('paddock-init-');
  t.after(() => rmSync(parent, { recursive: true, force: true }));
  const init = spawnSync(process.execPath, [cliPath, 'init', 'my-plugin'], { cwd: parent, encoding: 'utf8', timeout: 30_000 });
  assert.equal(init.status, 0, init.stderr);
  assert.match(init.stdout, /created my-plugin\/plugin\.js\n/);
  const dir = join(parent, 'my-plugin');
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type: string; dependencies: Record<string, string> };
  assert.equal(pkg.type, 'module');
  assert.ok(pkg.dependencies['paddock-runtime']);
  assert.match(readFileSync(join(dir, 'plugin.js'), 'utf8'), /from 'paddock-runtime\/sdk'/);
  assert.match(readFileSync(join(dir, 'test', 'plugin.test.js'), 'utf8'), /from 'paddock-runtime\/sdk\/testing'/);

  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'paddock-runtime'), 'dir');
  // Without the runner's NODE_TEST_CONTEXT, or the child would report to this runner instead of printing.
  const { NODE_TEST_CONTEXT: _context, ...env } = process.env;
  const run = spawnSync(process.execPath, ['--test', '--test-reporter=tap'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env });
  assert.equal(run.status, 0, `${run.stdout}\n${run.stderr}`);
  assert.match(run.stdout, /# pass 1\n/);
  assert.match(run.stdout, /# fail 0\n/);

  // The config it writes loads the plugin.
  const invoke = spawnSync(process.execPath, [cliPath, 'invoke', 'paddock.json', 'plugin', 'greet', '{"name": "Ada"}'], { cwd: dir, encoding: 'utf8', timeout: 30_000 });
  assert.equal(invoke.status, 0, invoke.stderr);
  assert.equal(invoke.stdout, '"Hello, Ada!"\n');

  // A second init in the same folder writes nothing.
  const again = spawnSync(process.execPath, [cliPath, 'init', 'my-plugin'], { cwd: parent, encoding: 'utf8', timeout: 30_000 });
  assert.equal(again.status, 1);
  assert.equal(again.stderr, 'paddock init: my-plugin already has package.json, plugin.js, test/plugin.test.js, paddock.json, .gitignore; nothing was written\n');
});
