/**
 * What `npm pack` would ship: the product only (dist/runtime, dist/workers, dist/sdk, the
 * schema, README, the docs' pages its links lead to, LICENSE), never the compiled tests, benchmarks or examples, and every
 * path package.json points at. Scripts are skipped: the test runs over the build it is
 * part of, so prepack's build is not needed (and would rebuild under the running tests).
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';

const root = fileURLToPath(new URL('../../../', import.meta.url));

function packedFiles(): string[] {
  const out = execFileSync('npm', ['pack', '--dry-run', '--json', '--ignore-scripts'], {
    cwd: root, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 60_000,
  });
  const [report] = JSON.parse(out) as Array<{ files: Array<{ path: string }> }>;
  return report!.files.map((file) => file.path).sort();
}

/** Every file path package.json names: exports (all conditions), bin. */
function namedPaths(value: unknown): string[] {
  if (typeof value === 'string') return value.startsWith('./') ? [value.slice(2)] : [];
  if (typeof value === 'object' && value !== null) return Object.values(value).flatMap(namedPaths);
  return [];
}

test('npm pack lists the product only, and every file package.json points at', () => {
  const files = packedFiles();
  const allowed = [/^dist\/(runtime|workers|sdk)\//, /^schema\/[^/]+\.json$/, /^docs\/.+\.md$/, /^README\.md$/, /^LICENSE$/, /^package\.json$/];
  const outside = files.filter((file) => !allowed.some((pattern) => pattern.test(file)));
  assert.deepEqual(outside, [], `files packed outside the product: ${outside.join(', ')}`);
  assert.ok(files.includes('docs/guides/embedding.md'), 'the docs the README links to are packed');
  for (const dir of ['dist/test/', 'dist/bench/', 'dist/examples/']) {
    assert.equal(files.some((file) => file.startsWith(dir)), false, `${dir} is packed`);
  }
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { exports: unknown; bin: unknown };
  const missing = [...namedPaths(pkg.exports), ...namedPaths(pkg.bin)].filter((path) => !files.includes(path));
  assert.deepEqual(missing, [], `package.json names files the package does not hold: ${missing.join(', ')}`);
  for (const entry of ['bootstrap', 'process-child', 'task-worker', 'plugin-host-process', 'nested-worker', 'off-thread-hooks'].map((name) => `dist/workers/bundle/${name}.js`)) {
    assert.ok(files.includes(entry), `the worker entry ${entry} is not packed`);
  }
});

test('the packed source maps carry their sources (the .ts files are not shipped)', () => {
  const files = packedFiles();
  assert.equal(files.some((file) => file.endsWith('.ts') && !file.endsWith('.d.ts')), false, 'TypeScript sources are packed');
  const maps = files.filter((file) => file.endsWith('.js.map'));
  assert.ok(maps.length > 0, 'no source maps packed');
  for (const file of ['dist/runtime/index.js.map', 'dist/workers/bootstrap.js.map', 'dist/workers/bundle/bootstrap.js.map', 'dist/sdk/plugin.js.map']) {
    assert.ok(maps.includes(file), `${file} is not packed`);
    const map = JSON.parse(readFileSync(join(root, file), 'utf8')) as { sources: string[]; sourcesContent?: Array<string | null> };
    assert.equal(map.sourcesContent?.length, map.sources.length, `${file} has no sourcesContent`);
    assert.ok(map.sourcesContent!.every((text) => typeof text === 'string' && text.length > 0), `${file} has an empty source`);
  }
});
