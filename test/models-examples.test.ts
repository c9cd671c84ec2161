/** The README's examples of tasks and collectors run as written (examples/models/). */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot } from './helpers.js';

const run = (file: string) => promisify(execFile)(process.execPath, [join(repoRoot, 'dist/examples/models', file)], { cwd: repoRoot, timeout: 60_000 });

test('examples/models/tasks-host.ts: a task with progress, then a cancelled one', async () => {
  const { stdout } = await run('tasks-host.js');
  assert.match(stdout, /^tasks: \[ 'countPrimes' \]\n33% checked 1,000,000 numbers\n67% checked 2,000,000 numbers\n100% checked 3,000,000 numbers\nresult: \{ below: 3000000, count: 216816 \}\n/);
  assert.match(stdout, /cancelled: plugin "primes": task "countPrimes" was cancelled: the caller aborted it\n$/);
});

test('examples/models/collectors-host.ts: info once, monitor twice, cached info, refreshed info', async () => {
  const { stdout } = await run('collectors-host.js');
  const lines = stdout.trim().split('\n');
  const info = lines.filter((l) => l.startsWith('info '));
  assert.equal(info.length, 2, stdout);
  assert.equal(JSON.parse(info[0]!.slice(5)).collectedTimes, 1);
  assert.ok(lines.filter((l) => l.startsWith('monitor ')).length >= 2);
  for (const line of lines.filter((l) => l.startsWith('monitor '))) {
    assert.deepEqual(Object.keys(JSON.parse(line.slice(8)) as object), ['heapUsedMb', 'heapTotalMb', 'eventLoopBusy']);
  }
  const cached = JSON.parse(lines.find((l) => l.startsWith('cached '))!.slice(7)) as { collectedTimes: number; node: string };
  assert.equal(cached.collectedTimes, 1);
  assert.equal(cached.node, process.versions.node);
  assert.equal(JSON.parse(lines.find((l) => l.startsWith('refreshed '))!.slice(10)).collectedTimes, 2);
});
