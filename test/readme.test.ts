/**
 * The README's code blocks marked `<!-- from <path> -->` must appear verbatim in that
 * file, and those files run (their tests are in the suite or run here), so the README
 * never shows code that does not work.
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { readFileSync } from 'node:fs';
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
