/**
 * How responsive the host loop stays while 100 plugins load at once (issue 12; design
 * target: lag p99 ≤ 50 ms). Run: `node dist/bench/load-lag.js [count] [maxConcurrentStarts]`.
 * Prints the host's event-loop delay (perf_hooks.monitorEventLoopDelay) during the load,
 * with the default start concurrency and with starts unbounded, measured in the same run.
 */
import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { createLogger, PluginRuntime } from '../runtime/index.js';

const count = Number(process.argv[2] ?? 100);
const fixtures = fileURLToPath(new URL('../../bench/fixtures/', import.meta.url));

async function measure(maxConcurrentStarts: number | undefined): Promise<{ p50: number; p99: number; max: number; seconds: number }> {
  const dataDir = join(tmpdir(), `paddock-load-lag-${process.pid}`);
  const runtime = new PluginRuntime({
    logger: createLogger({ level: 'silent' }),
    baseDir: fixtures,
    dataDir,
    // A shared, loaded machine: the measure is the host's lag, not whether a start fits 15 s.
    limits: { startTimeoutMs: 300_000 },
    ...(maxConcurrentStarts === undefined ? {} : { maxConcurrentStarts }),
  });
  const delay = monitorEventLoopDelay({ resolution: 10 });
  const started = performance.now();
  delay.enable();
  await Promise.all(Array.from({ length: count }, (_, i) => runtime.load({ url: './small-plugin.mjs', id: `p${i}` })));
  delay.disable();
  const seconds = (performance.now() - started) / 1000;
  await runtime.close();
  rmSync(dataDir, { recursive: true, force: true });
  const ms = (ns: number) => Math.round(ns / 1e5) / 10;
  return { p50: ms(delay.percentile(50)), p99: ms(delay.percentile(99)), max: ms(delay.max), seconds: Math.round(seconds * 100) / 100 };
}

const bounded = await measure(process.argv[3] === undefined ? undefined : Number(process.argv[3]));
const unbounded = await measure(count);
console.log(`node ${process.version}, ${count} plugins loaded at once`);
console.log(`  maxConcurrentStarts ${process.argv[3] ?? 'default (cores)'}: host loop lag p50 ${bounded.p50} ms, p99 ${bounded.p99} ms, max ${bounded.max} ms; all loaded in ${bounded.seconds} s`);
console.log(`  unbounded (${count}):           host loop lag p50 ${unbounded.p50} ms, p99 ${unbounded.p99} ms, max ${unbounded.max} ms; all loaded in ${unbounded.seconds} s`);
