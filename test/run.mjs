#!/usr/bin/env node
// Runs the compiled tests (dist/test/**/*.test.js) with Node's test runner.
// Usage: node test/run.mjs [substring …]   (only files whose path contains a substring)
import { readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const dist = join(root, 'dist', 'test');
const filters = process.argv.slice(2);

function collect(dir) {
  const out = [];
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) out.push(...collect(path));
    else if (name.endsWith('.test.js')) out.push(path);
  }
  return out;
}

const files = collect(dist).filter((f) => filters.length === 0 || filters.some((s) => relative(dist, f).includes(s)));
if (files.length === 0) {
  console.error(`no test files match ${filters.join(', ') || '(all)'} under ${relative(root, dist)}`);
  process.exit(1);
}
const concurrency = process.env.PADDOCK_TEST_CONCURRENCY ?? '2';
const result = spawnSync(process.execPath, [
  '--expose-gc',
  '--test',
  `--test-concurrency=${concurrency}`,
  '--test-timeout=300000',
  ...files,
], { stdio: 'inherit', cwd: root });
process.exit(result.status ?? 1);
