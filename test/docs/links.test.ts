/**
 * Every relative link in README.md and docs/**.md leads somewhere: the file or folder
 * exists, and a #fragment names a heading of the Markdown file it points at.
 */
import assert from 'node:assert/strict';
import { existsSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, normalize } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers.js';
import { anchorsOf, markdownFiles, proseOf } from '../support/markdown.js';

interface Link { file: string; line: number; target: string }

function links(file: string): Link[] {
  const found: Link[] = [];
  proseOf(file).split('\n').forEach((text, index) => {
    for (const match of text.matchAll(/\]\(([^)\s]+)(?:\s+"[^"]*")?\)/g)) found.push({ file, line: index + 1, target: match[1]! });
  });
  return found;
}

/** The relative links of one file that lead nowhere, each as `file:line: target (why)`. */
function brokenLinks(file: string): { broken: string[]; checked: number } {
  const broken: string[] = [];
  let checked = 0;
  for (const { line, target } of links(file)) {
    if (/^[a-z][a-z0-9+.-]*:/i.test(target)) continue; // https:, mailto:: not ours to check
    checked++;
    const [path, anchor] = target.split('#') as [string, string | undefined];
    const resolved = path === '' ? file : normalize(join(dirname(file), decodeURIComponent(path)));
    const where = `${file}:${line}: ${target}`;
    if (resolved.startsWith('..') || !existsSync(join(repoRoot, resolved))) {
      broken.push(`${where} (no ${resolved})`);
    } else if (anchor === undefined) {
      continue;
    } else if (!resolved.endsWith('.md') || statSync(join(repoRoot, resolved)).isDirectory()) {
      broken.push(`${where} (an anchor into something that is not a Markdown file)`);
    } else if (!anchorsOf(resolved).has(anchor)) {
      broken.push(`${where} (${resolved} has no heading #${anchor})`);
    }
  }
  return { broken, checked };
}

test('every relative link in README.md and docs/ resolves, #anchors included', () => {
  const results = markdownFiles().map(brokenLinks);
  const checked = results.reduce((sum, result) => sum + result.checked, 0);
  assert.ok(checked > 100, `expected the docs to link to each other, found ${checked} relative links`);
  assert.deepEqual(results.flatMap((result) => result.broken), [], 'broken links');
});

test('the link check finds a missing file and a missing anchor (it is not vacuous)', (t) => {
  const sample = join('dist', `links-sample-${process.pid}.md`);
  writeFileSync(join(repoRoot, sample), [
    '# Sample', '', '## Plugins from npm: and jsr:', '',
    '[fine](#plugins-from-npm-and-jsr) [fine](../README.md#quick-start) [fine](../docs/guides/)',
    '[gone](../docs/nothing.md) [no anchor](../README.md#no-such-heading) `[in code](nowhere.md)`', '',
  ].join('\n'));
  t.after(() => rmSync(join(repoRoot, sample), { force: true }));
  assert.deepEqual(brokenLinks(sample), {
    checked: 5,
    broken: [`${sample}:6: ../docs/nothing.md (no docs/nothing.md)`, `${sample}:6: ../README.md#no-such-heading (README.md has no heading #no-such-heading)`],
  });
});
