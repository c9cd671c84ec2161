/**
 * The README's code blocks marked `<!-- from <path> -->` must appear verbatim in that
 * file, and those files run (their tests are in the suite or run here), so the README
 * never shows code that does not work.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './helpers.js';

const readme = readFileSync(join(repoRoot, 'README.md'), 'utf8');

test('every README block marked with its source file matches that file', () => {
  const blocks = [...readme.matchAll(/<!-- from (\S+) -->\s*```\w*\n([\s\S]*?)```/g)];
  assert.ok(blocks.length >= 4, `expected the README to mark its code blocks, found ${blocks.length}`);
  for (const [, file, code] of blocks) {
    const source = readFileSync(join(repoRoot, file!), 'utf8');
    assert.ok(source.includes(code!.trim()), `the README block from ${file} differs from the file`);
  }
});

test('the embedding example runs as written', async () => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(repoRoot, 'dist/examples/embedding/host.js')], { cwd: repoRoot, timeout: 60_000 });
  assert.match(stdout, /Hello, Ada!/);
  assert.match(stdout, /Hello, Grace!/);
  assert.match(stdout, /Welcome, Linus!/);
  assert.match(stdout, /a plugin greeted someone/);
  assert.match(stdout, /greeter says goodbye/);
});

test('the README\'s layout section names only what is in the tree, and every top-level folder', () => {
  const section = /## Layout\n\n```\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(section, 'the README has a "## Layout" section with a tree');
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
