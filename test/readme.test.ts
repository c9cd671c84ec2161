/**
 * The code blocks of README.md and docs/ marked `<!-- from <path> -->` must appear
 * verbatim in that file, and those files run (their tests are in the suite or run here),
 * so the docs never show code that does not work. The README's quick start is the two
 * commands .ci/run relies on, and the layout in docs/explanation/architecture.md names
 * what is in the tree.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './helpers.js';
import { codeBlocks, markdownFiles } from './support/markdown.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

test('every block of README.md and docs/ marked with its source file matches that file', () => {
  const blocks = markdownFiles().flatMap(codeBlocks).filter((block) => block.from);
  assert.ok(blocks.length >= 10, `expected the docs to mark their code blocks, found ${blocks.length}`);
  for (const { file, line, from, code } of blocks) {
    const source = readFileSync(join(repoRoot, from!), 'utf8');
    assert.ok(source.includes(code.trim()), `${file}:${line}: the block from ${from} differs from the file`);
  }
});

test('the README\'s quick start is two commands: the example host, and npm test (which .ci/run runs)', () => {
  const section = /## Quick start\n[\s\S]*?```sh\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(section, 'the README has a "## Quick start" section with a sh block');
  const commands = section.split('\n').map((line) => line.replace(/#.*/, '').trim()).filter(Boolean);
  assert.deepEqual(commands, ['npm ci && npm start', 'npm test']);
  const scripts = (JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
  assert.ok(scripts.start && scripts.test, 'package.json has the start and test scripts');
  assert.match(readFileSync(join(repoRoot, '.ci', 'run'), 'utf8'), /^npm test$/m, '.ci/run runs the README\'s test command');
});

test('the embedding example runs as written', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'dist/examples/embedding/host.js')], { cwd: repoRoot, timeout: 60_000 });
  assert.match(stdout, /Hello, Ada!/);
  assert.match(stdout, /Hello, Grace!/);
  assert.match(stdout, /Welcome, Linus!/);
  assert.match(stdout, /a plugin greeted someone/);
  assert.match(stdout, /greeter says goodbye/);
});

test('the layout in docs/explanation/architecture.md names only what is in the tree, and every top-level folder', () => {
  const architecture = readFileSync(join(repoRoot, 'docs', 'explanation', 'architecture.md'), 'utf8');
  const section = /## Layout\n\n```\n([\s\S]*?)```/.exec(architecture)?.[1];
  assert.ok(section, 'architecture.md has a "## Layout" section with a tree');
  const named: string[] = [];
  let top = '';
  for (const line of section.split('\n')) {
    const left = /^( *)(\S.*?)(?: {2,}|$)/.exec(line);
    if (!left || left[1]!.length > 2) continue;
    const names = left[2]!.split(/[\s,]+/).filter(Boolean);
    if (left[1] === '') top = names.length === 1 && names[0]!.endsWith('/') ? names[0]! : '';
    for (const name of names) named.push(left[1] === '' ? name : `${top}${name}`);
  }
  const missing = named.filter((path) => !existsSync(join(repoRoot, path)));
  assert.deepEqual(missing, [], 'the layout names paths that do not exist');
  const folders = readdirSync(repoRoot, { withFileTypes: true })
    .filter((d) => d.isDirectory() && !d.name.startsWith('.') && d.name !== 'node_modules' && d.name !== 'dist')
    .map((d) => `${d.name}/`);
  assert.deepEqual(folders.filter((folder) => !named.includes(folder)), [], 'a top-level folder the layout does not show');
});
