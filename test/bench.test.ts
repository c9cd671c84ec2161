import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tempDir } from './helpers.js';

// Shapes only: timings are never asserted (the machine is shared and noisy).
test('npm run bench -- --quick --only round-trip prints the table and writes JSON, Markdown and SVG', () => {
  const out = tempDir('paddock-bench-test-');
  try {
    const run = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bench', 'run.js'), '--quick', '--only', 'round-trip', '--out', out], {
      cwd: repoRoot, encoding: 'utf8', timeout: 180_000,
    });
    assert.equal(run.status, 0, run.stderr);
    assert.match(run.stdout, /#\s+scenario\s+measure\s+Paddock\s+baseline\s+ratio\s+target\s+result/);
    assert.match(run.stdout, /Node v\d+/);
    assert.match(run.stderr, /\[1 round-trip\] measuring/, 'progress goes to stderr');

    const json = JSON.parse(readFileSync(join(out, 'quick.json'), 'utf8')) as {
      quick: boolean;
      machine: { cpu: string; cores: number; memoryGiB: number; node: string };
      scenarios: Array<{ id: string; status: string; file: string; rows: Array<Record<string, unknown>>; notes: string[] }>;
    };
    assert.equal(json.quick, true);
    assert.equal(json.machine.node, process.version);
    assert.ok(json.machine.cores >= 1 && json.machine.memoryGiB > 0 && json.machine.cpu.length > 0);
    assert.deepEqual(json.scenarios.map((s) => s.id), ['round-trip']);
    const [scenario] = json.scenarios;
    assert.equal(scenario!.status, 'ok');
    assert.equal(scenario!.file, 'bench/round-trip.bench.ts');
    const baselines = new Set(scenario!.rows.map((row) => (row.baseline as { label: string } | undefined)?.label));
    for (const label of ['raw postMessage', 'bare Comlink', 'HTTP+JSON 127.0.0.1', 'JSON-RPC over stdio']) assert.ok(baselines.has(label), label);
    for (const row of scenario!.rows) {
      assert.equal(typeof row.measure, 'string');
      assert.ok(Number.isFinite(row.paddock) && (row.paddock as number) > 0, `${String(row.measure)}: Paddock has a number`);
      const baseline = row.baseline as { value: number };
      assert.ok(Number.isFinite(baseline.value) && baseline.value > 0);
      assert.ok(Number.isFinite(row.ratio));
    }
    const comlink = scenario!.rows.find((r) => r.measure === 'round trip, median' && (r.baseline as { label: string }).label === 'bare Comlink')!;
    assert.equal((comlink.target as { text: string }).text, '≤ 1.1×');
    assert.equal(typeof (comlink.target as { pass: unknown }).pass, 'boolean');

    const svg = readFileSync(join(out, 'quick.svg'), 'utf8');
    assert.match(svg, /^<svg xmlns="http:\/\/www.w3.org\/2000\/svg"/);
    assert.match(svg, /round trip, median/);
    assert.match(svg, /<\/svg>\s*$/);
    assert.match(readFileSync(join(out, 'quick.md'), 'utf8'), /^\| # \| scenario \| measure \| Paddock \| baseline \| ratio \| target \| result \|$/m);
  } finally {
    rmSync(out, { recursive: true, force: true });
  }
});

test('an unknown scenario is refused with the list of scenarios', () => {
  const run = spawnSync(process.execPath, [join(repoRoot, 'dist', 'bench', 'run.js'), '--only', 'nope'], { cwd: repoRoot, encoding: 'utf8', timeout: 30_000 });
  assert.equal(run.status, 2);
  assert.match(run.stderr, /unknown scenario nope/);
  assert.match(run.stderr, /round-trip \(1\), events \(2\), start \(3\), memory \(4\), task-pool \(5\), under-load \(6\)/);
});

test('docs/explanation/performance.md shows the table of the latest full run (bench/results/node20/latest.md), not numbers typed in', () => {
  const readme = readFileSync(join(repoRoot, 'docs', 'explanation', 'performance.md'), 'utf8');
  const latest = readFileSync(join(repoRoot, 'bench', 'results', 'node20', 'latest.md'), 'utf8');
  const table = latest.split('\n').filter((line) => line.startsWith('|'));
  assert.ok(table.length > 10, 'latest.md holds the table');
  assert.ok(readme.includes(table.join('\n')), 'performance.md has the table of bench/results/node20/latest.md, unchanged');
  const json = JSON.parse(readFileSync(join(repoRoot, 'bench', 'results', 'node20', 'latest.json'), 'utf8')) as { quick: boolean; scenarios: Array<{ status: string }> };
  assert.equal(json.quick, false, 'the committed results come from a full run');
  assert.equal(json.scenarios.length, 8, 'every scenario of bench/run.ts ran');
  assert.ok(json.scenarios.every((s) => s.status !== 'failed'));
  assert.ok(readme.includes('](../../bench/results/node20/latest.svg)'), 'performance.md shows the chart');
});
