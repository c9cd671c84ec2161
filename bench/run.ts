#!/usr/bin/env node
/**
 * `npm run bench`: every scenario (bench/*.bench.ts), Paddock and its baselines in the
 * same process run, then one table on stdout, the results as JSON and Markdown, and
 * an SVG chart under bench/results/.
 *
 *   npm run bench                      full run: writes bench/results/node<major>/latest.{json,md,svg}
 *   npm run bench -- --quick           fewer iterations and plugins (< 1 min): bench/results/node<major>/quick.*
 *
 * Results go per Node line (the line that runs this script, e.g. node26/): each line is
 * benchmarked by running the suite with that line's `node` (`<node> dist/bench/run.js`).
 *   npm run bench -- --only start,memory
 *   npm run bench -- --out /tmp/bench  write the results somewhere else
 *   npm run bench -- --render bench/results/latest.json   print and re-render a stored run
 *
 * Exits 1 when a scenario failed or produced no numbers.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { svgChart } from './lib/chart.js';
import { markdownTable, textTable } from './lib/format.js';
import { describeMachine, machineInfo, type MachineInfo } from './lib/machine.js';
import { statusOf } from './lib/status.js';
import type { Scenario, ScenarioResult } from './lib/types.js';
import events from './events.bench.js';
import manyPlugins from './many-plugins.bench.js';
import memory from './memory.bench.js';
import pluginHost from './plugin-host.bench.js';
import roundTrip from './round-trip.bench.js';
import start from './start.bench.js';
import taskPool from './task-pool.bench.js';
import underLoad from './under-load.bench.js';

const SCENARIOS: readonly Scenario[] = [roundTrip, events, start, memory, taskPool, underLoad, pluginHost, manyPlugins];

const USAGE = `usage: npm run bench -- [--quick] [--only <id,…>] [--out <dir>] | [--render <results.json>]
scenarios: ${SCENARIOS.map((s) => `${s.id} (${s.number})`).join(', ')}`;

async function runScenario(scenario: Scenario, quick: boolean): Promise<ScenarioResult> {
  const tempDir = mkdtempSync(join(tmpdir(), `paddock-bench-${scenario.id}-`));
  const started = performance.now();
  const progress = (message: string) => process.stderr.write(`  [${scenario.number} ${scenario.id}] ${message}\n`);
  const base = { number: scenario.number, id: scenario.id, title: scenario.title, file: scenario.file };
  try {
    const output = await scenario.run({ quick, progress, tempDir });
    const { status, reason } = statusOf(output.rows);
    return { ...base, status, ...(reason ? { reason } : {}), rows: output.rows, notes: output.notes ?? [], seconds: (performance.now() - started) / 1000 };
  } catch (error) {
    progress(`FAILED: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    const reason = (error instanceof Error ? `${error.name}: ${error.message}` : String(error)).replace(/\s*\n\s*/g, ' ');
    return { ...base, status: 'failed', reason, rows: [], notes: [], seconds: (performance.now() - started) / 1000 };
  } finally {
    rmSync(tempDir, { recursive: true, force: true });
  }
}

interface BenchRun {
  paddock: 'bench';
  quick: boolean;
  date: string;
  machine: MachineInfo;
  seconds: number;
  scenarios: ScenarioResult[];
}

/** Print the table and write `<base>.md` and `<base>.svg` for a run. */
function report(run: BenchRun, base: string): void {
  const header = `Paddock benchmarks${run.quick ? ' (--quick)' : ''}, ${run.date}\n${describeMachine(run.machine)}`;
  const notes = run.scenarios.flatMap((r) => [
    ...(r.status === 'failed' ? [`${r.number}: ${r.status}: ${r.reason ?? ''}`] : []),
    ...r.notes.map((n) => `${r.number}: ${n}`),
  ]);
  console.log(`\n${header}\n\n${textTable(run.scenarios)}\n\n${notes.join('\n')}\n`);
  writeFileSync(`${base}.md`, `${header.replace('\n', '  \n')}\n\n${markdownTable(run.scenarios)}\n\n${notes.map((n) => `- ${n}`).join('\n')}\n`);
  writeFileSync(`${base}.svg`, svgChart(run.scenarios, `${run.date.slice(0, 10)} · ${describeMachine(run.machine)}${run.quick ? ' · --quick' : ''}`));
  process.stderr.write(`results: ${base}.json, .md, .svg\n`);
}

async function main(): Promise<number> {
  const { values } = parseArgs({
    options: {
      quick: { type: 'boolean', default: false },
      only: { type: 'string' },
      out: { type: 'string' },
      render: { type: 'string' },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (values.render) {
    // Re-render the table, Markdown and chart of a stored run (e.g. after a change of format), measuring nothing.
    const run = JSON.parse(readFileSync(values.render, 'utf8')) as BenchRun;
    report(run, values.render.replace(/\.json$/, ''));
    return 0;
  }
  const only = values.only?.split(',').map((s) => s.trim()).filter(Boolean);
  const unknown = only?.filter((id) => !SCENARIOS.some((s) => s.id === id || String(s.number) === id)) ?? [];
  if (unknown.length) {
    console.error(`unknown scenario ${unknown.join(', ')}\n${USAGE}`);
    return 2;
  }
  const selected = SCENARIOS.filter((s) => !only || only.includes(s.id) || only.includes(String(s.number)));
  const quick = values.quick;
  const machine = machineInfo();
  const started = new Date();
  process.stderr.write(`paddock bench${quick ? ' --quick' : ''}: ${selected.length} scenario(s) on ${describeMachine(machine)}\n`);

  const results: ScenarioResult[] = [];
  for (const scenario of selected) {
    process.stderr.write(`[${scenario.number}/${SCENARIOS.length}] ${scenario.title} (${scenario.file})\n`);
    results.push(await runScenario(scenario, quick));
  }

  const line = `node${process.versions.node.split('.')[0]}`;
  const outDir = values.out ?? fileURLToPath(new URL(`../../bench/results/${line}/`, import.meta.url));
  mkdirSync(outDir, { recursive: true });
  const name = quick ? 'quick' : 'latest';
  const run: BenchRun = { paddock: 'bench', quick, date: started.toISOString(), machine, seconds: results.reduce((s, r) => s + r.seconds, 0), scenarios: results };
  writeFileSync(join(outDir, `${name}.json`), `${JSON.stringify(run, null, 2)}\n`);
  report(run, join(outDir, name));

  const failed = results.filter((r) => r.status === 'failed');
  if (failed.length) {
    console.error(`${failed.length} scenario(s) produced no numbers: ${failed.map((r) => `${r.id} (${r.reason ?? ''})`).join('; ')}`);
    return 1;
  }
  return 0;
}

process.exitCode = await main();
