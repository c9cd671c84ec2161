/**
 * One point of the idle-memory scenario (memory.bench.ts), run in a fresh process so
 * points do not mix: start `count` idle plugins (or bare workers, or child processes),
 * let them idle, collect garbage on the host, and print one JSON line with the
 * process's RSS before and after and each one's heap.
 *
 *   node --expose-gc dist/bench/memory-child.js <variant> <count> <idleMs> <dataDir>
 *
 * variant: paddock (the default: threads in a plugin-host process, whose RSS is added),
 * paddock+in-process (workerHost "in-process"), worker, worker+zod, worker+hooks (see
 * baselines/preload.ts) or process.
 */
import { readFileSync } from 'node:fs';
import { setTimeout as delay } from 'node:timers/promises';
import type { Worker } from 'node:worker_threads';
import { createLogger, PluginRuntime } from '../runtime/index.js';
import { loadMany } from './lib/paddock.js';
import { ask, benchFile, fixturePath, spawnNode, startWorker, terminateAll, type LineChild } from './lib/threads.js';

export interface MemoryPoint {
  variant: string;
  count: number;
  /** Instances started and answering. */
  loaded: number;
  rssBefore: number;
  rssAfter: number;
  /** RSS of each child process (process variant only); bytes. */
  childRss: number[];
  /** Heap used by each instance's own isolate; bytes. */
  heapUsed: number[];
}

const [variant, countText, idleText, dataDir] = process.argv.slice(2);
const count = Number(countText);
const idleMs = Number(idleText);
const VARIANTS = ['paddock', 'paddock+in-process', 'worker', 'worker+zod', 'worker+hooks', 'process'];
if (!VARIANTS.includes(variant ?? '') || !(count > 0) || !(idleMs >= 0) || !dataDir) {
  throw new Error(`usage: memory-child.js <${VARIANTS.join('|')}> <count> <idleMs> <dataDir>`);
}
const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

/** A child's resident memory (Linux /proc; 0 elsewhere or when it is gone). */
function processRss(pid: number | undefined): number {
  if (pid === undefined) return 0;
  try {
    const kb = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1];
    return kb === undefined ? 0 : Number(kb) * 1024;
  } catch {
    return 0;
  }
}

function settledRss(): number {
  gc!();
  gc!();
  return process.memoryUsage().rss;
}

async function main(): Promise<MemoryPoint> {
  const point: MemoryPoint = { variant: variant!, count, loaded: 0, rssBefore: 0, rssAfter: 0, childRss: [], heapUsed: [] };
  if (variant!.startsWith('paddock')) {
    const workerHost = variant === 'paddock+in-process' ? 'in-process' : 'plugin-host';
    const runtime = new PluginRuntime({ logger: createLogger({ level: 'error', destination: process.stderr }), baseDir: fixturePath('.'), dataDir, workerHost });
    try {
      point.rssBefore = settledRss();
      const ids = await loadMany(runtime, count, (i) => ({ url: './small-plugin.mjs', id: `idle-${i}` }));
      // Idle: nothing is asked of the plugins while they settle (this wait is the measurement).
      await delay(idleMs);
      // In the default mode the threads live in the plugin-host process: its whole RSS is theirs.
      point.rssAfter = settledRss() + runtime.pluginHostProcesses().reduce((sum, h) => sum + processRss(h.pid), 0);
      point.loaded = runtime.list().filter((p) => p.state === 'running').length;
      for (const id of ids) point.heapUsed.push(await runtime.invoke(id, 'heapUsed') as number);
    } finally {
      await runtime.close();
    }
  } else if (variant!.startsWith('worker')) {
    const workers: Worker[] = [];
    const preload = variant!.split('+')[1];
    try {
      point.rssBefore = settledRss();
      for (let i = 0; i < count; i++) workers.push(await startWorker('baselines/idle.js', { preload }));
      await delay(idleMs);
      point.rssAfter = settledRss();
      point.loaded = workers.length;
      for (const w of workers) point.heapUsed.push((await ask<{ heapUsed: number }>(w, { type: 'memory' }, 'memory')).heapUsed);
    } finally {
      await terminateAll(workers);
    }
  } else {
    const children: LineChild[] = [];
    try {
      point.rssBefore = settledRss();
      for (let i = 0; i < count; i++) {
        const child = spawnNode(benchFile('baselines/idle.js'));
        children.push(child);
        await child.nextLine((line) => line === 'ready', 30_000);
      }
      await delay(idleMs);
      point.rssAfter = settledRss();
      point.loaded = children.length;
      for (const child of children) {
        const reply = child.nextLine((line) => line.startsWith('{'), 30_000);
        child.send('memory');
        const usage = JSON.parse(await reply) as { rss: number; heapUsed: number };
        point.childRss.push(usage.rss);
        point.heapUsed.push(usage.heapUsed);
      }
    } finally {
      await Promise.allSettled(children.map((c) => c.stop()));
    }
  }
  return point;
}

process.stdout.write(`${JSON.stringify(await main())}\n`);
