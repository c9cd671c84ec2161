/**
 * Scenario 4: idle memory per plugin at 1, 10 and 100 loaded plugins (quick: 1 and 5).
 * Each point runs in a fresh child process (bench/memory-child.ts) so points and
 * variants do not mix: RSS per plugin = (process RSS with the plugins idle − RSS
 * before) / count; heap = each instance's own V8 heap.
 *
 *   Paddock          small-plugin.mjs loaded by a PluginRuntime with the defaults: its thread
 *                    in the plugin-host process, whose whole RSS counts (it exists for them)
 *   Paddock in-process   the same with workerHost "in-process": the thread in this process
 *   bare Worker      a worker thread doing nothing (the floor of a thread)
 *   child process    a `node` process doing nothing (its own RSS, as a process per plugin costs)
 *   at 10 plugins (full run), where the memory goes: a bare worker that imports zod,
 *   and one that registers Paddock's module hooks on a loader thread (module.register)
 */
import { join } from 'node:path';
import type { MemoryPoint } from './memory-child.js';
import { denoBaseline, denoLabel } from './lib/deno.js';
import { summarise } from './lib/stats.js';
import { benchFile, spawnNode } from './lib/threads.js';
import { compare, targets, type Row, type Scenario } from './lib/types.js';

const MB = 1024 * 1024;

async function measurePoint(variant: string, count: number, idleMs: number, dataDir: string): Promise<MemoryPoint> {
  const child = spawnNode(benchFile('memory-child.js'), [variant, String(count), String(idleMs), dataDir], ['--expose-gc']);
  try {
    const line = await child.nextLine((l) => l.startsWith('{'), 300_000);
    return JSON.parse(line) as MemoryPoint;
  } finally {
    await child.stop();
  }
}

const scenario: Scenario = {
  number: 4,
  id: 'memory',
  title: 'Idle memory per plugin',
  file: 'bench/memory.bench.ts',
  async run(ctx) {
    const points = ctx.quick ? [1, 5] : [1, 10, 100];
    const idleMs = ctx.quick ? 200 : 1_000;
    const rows: Row[] = [];
    let largest: MemoryPoint | undefined;
    for (const count of points) {
      const measured: Record<string, MemoryPoint> = {};
      // At 10 plugins (full run only), two more bare workers show where a plugin worker's memory goes.
      const middle = !ctx.quick && count === points[1];
      for (const variant of ['paddock', 'paddock+in-process', 'worker', 'process', ...(middle ? ['worker+zod', 'worker+hooks'] : [])]) {
        ctx.progress(`${count} × ${variant}`);
        measured[variant] = await measurePoint(variant, count, idleMs, join(ctx.tempDir, `data-${variant}-${count}`));
        if (measured[variant].loaded !== count) throw new Error(`${variant}: ${measured[variant].loaded} of ${count} started`);
      }
      const perThread = (p: MemoryPoint) => (p.rssAfter - p.rssBefore) / p.count / MB;
      const paddock = perThread(measured.paddock!);
      const worker = perThread(measured.worker!);
      const child = summarise(measured.process!.childRss).mean / MB;
      const heap = (p: MemoryPoint) => summarise(p.heapUsed).mean / MB;
      const label = `${count} plugin${count > 1 ? 's' : ''}: RSS per plugin`;
      rows.push(compare(label, 'MB', 'lower', paddock, { label: 'bare Worker', value: worker }, targets.ratioAtMost(1.3, '≤ 1.3× bare Worker')));
      rows.push(compare(label, 'MB', 'lower', paddock, { label: 'child process (its RSS)', value: child }));
      const inProcessLabel = `${count} plugin${count > 1 ? 's' : ''}: RSS per plugin, workerHost "in-process"`;
      rows.push(compare(inProcessLabel, 'MB', 'lower', perThread(measured['paddock+in-process']!), { label: 'bare Worker', value: worker }, targets.ratioAtMost(1.3, '≤ 1.3× bare Worker')));
      if (middle) {
        rows.push(compare(label, 'MB', 'lower', paddock, { label: 'bare Worker importing zod', value: perThread(measured['worker+zod']!) }));
        rows.push(compare(label, 'MB', 'lower', paddock, { label: 'bare Worker + module hooks thread', value: perThread(measured['worker+hooks']!) }));
      }
      const heapLabel = `${count} plugin${count > 1 ? 's' : ''}: heap per plugin`;
      rows.push(compare(heapLabel, 'MB', 'lower', heap(measured.paddock!), { label: 'bare Worker', value: heap(measured.worker!) }));
      if (middle) rows.push(compare(heapLabel, 'MB', 'lower', heap(measured.paddock!), { label: 'bare Worker importing zod', value: heap(measured['worker+zod']!) }));
      largest = measured.paddock;
    }
    // Deno's sandboxed worker, idle, in a Deno process of its own (lib/deno.ts).
    const deno = denoBaseline(ctx.quick);
    if (deno.value && largest) {
      const per = (largest.rssAfter - largest.rssBefore) / largest.count / MB;
      rows.push(compare(`${largest.count} plugins: RSS per plugin`, 'MB', 'lower', per, { label: `${denoLabel(deno.value)}, ${deno.value.count} idle`, value: deno.value.rssPerWorkerMb }));
    }
    const max = points[points.length - 1]!;
    rows.push(compare(`${max} plugins loaded and running`, 'plugins', 'higher', largest!.loaded, undefined,
      targets.holds(largest!.loaded === max, ctx.quick ? `${max} plugins load (quick run)` : '100 plugins loaded on a 2-core machine')));
    return {
      rows,
      notes: [
        'memory: Paddock rows use the defaults (worker threads in the plugin-host process, its whole RSS added to the host\'s, so one plugin carries the whole process); the "in-process" rows run the threads in the measuring process.',
        `memory: a fresh process per point and variant; measured after ${idleMs} ms idle and a full GC of the host; RSS per plugin = (RSS after − RSS before) / plugins; a child process's own RSS counts its shared pages too.`,
        deno.value ? `memory: Deno: RSS of the Deno process with ${deno.value.count} idle sandboxed workers minus before, per worker, after 1000 ms idle (no forced GC).` : `memory: Deno sandboxed worker ${deno.missing ?? 'not measured'}.`,
      ],
    };
  },
};

export default scenario;
