/**
 * Scenario 3: plugin start to ready, i.e. `runtime.load()` until it resolves with the
 * plugin running (worker up, module imported, class constructed, meta verified,
 * validate() and configure() answered, subscriptions registered).
 *
 *   file: JS plugin        bench/fixtures/small-plugin.mjs
 *   file: TS plugin        bench/fixtures/small-plugin.ts (transpiled at load)
 *   cached npm: plugin     npm:@bench/npm-plugin from a warm cache, frozen, registry stopped
 *   warm spare worker      small-plugin.mjs with spareWorkers: 1, after runtime.warmUp()
 *   baselines              a bare `new Worker` to its first message; a child `node` process to its first line
 *   worker boot            a plugin worker's bootstrap alone (spawn → booted), the part a warm spare saves,
 *                          next to a bare worker that loads zod, and one that registers Paddock's module
 *                          hooks on a loader thread (module.register, Paddock's way on Node < 22.15)
 *   unbundled boot         the same boot from tsc's per-module entry (dist/workers/bootstrap.js): what the
 *                          bundled entry saves, in the same rounds
 *   boot breakdown         the boot step by step (baselines/boot-steps.ts), so a regression shows which
 *                          part grew
 *   Deno                   Deno's sandboxed worker (permissions "none", a TypeScript module) to its first
 *                          message (lib/deno.ts), when a deno binary is installed
 *
 * One sample of each variant per round, rounds interleaved; each plugin is unloaded
 * (untimed) before the next round.
 */
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import type { PluginRuntime } from '../runtime/index.js';
import { DEFAULT_LIMITS } from '../runtime/options.js';
import { spawnPluginWorker, whenBooted } from '../runtime/transport/worker-transport.js';
import type { Preload } from './baselines/preload.js';
import { packFolder, startMiniRegistry } from './lib/mini-registry.js';
import { denoBaseline, denoLabel } from './lib/deno.js';
import { benchRuntime } from './lib/paddock.js';
import { interleave, summarise } from './lib/stats.js';
import { benchFile, fixturePath, nextMessage, spawnNode } from './lib/threads.js';
import { compare, targets, type BenchContext, type Row, type Scenario } from './lib/types.js';

const NPM_SPECIFIER = 'npm:@bench/npm-plugin@1.0.0';

let loads = 0;
async function timeLoad(runtime: PluginRuntime, url: string, beforeTiming?: () => Promise<void>): Promise<number> {
  await beforeTiming?.();
  const id = `start-${++loads}`;
  const start = performance.now();
  await runtime.load({ url, id });
  const ms = performance.now() - start;
  await runtime.unload(id);
  return ms;
}

async function bareWorker(preload?: Preload): Promise<number> {
  const start = performance.now();
  const worker = new Worker(benchFile('baselines/first-message.js'), { workerData: { preload } });
  await nextMessage(worker, () => true, 30_000);
  const ms = performance.now() - start;
  await worker.terminate();
  return ms;
}

/** Where the start goes: a plugin worker's bootstrap alone (module hooks, SDK, protocol), no plugin yet. */
async function bootstrapOnly(): Promise<number> {
  const start = performance.now();
  const worker = spawnPluginWorker(DEFAULT_LIMITS, 'bench:boot');
  await whenBooted(worker);
  const ms = performance.now() - start;
  await worker.terminate();
  return ms;
}

/**
 * The same boot from the per-module entry tsc writes (dist/workers/bootstrap.js, the
 * runtime's entry before the bundles): what the bundle saves, measured in the same rounds.
 */
async function unbundledBoot(): Promise<number> {
  const start = performance.now();
  const worker = new Worker(new URL('../workers/bootstrap.js', import.meta.url), {
    execArgv: ['--enable-source-maps'],
    env: {},
    stdout: true,
    stderr: true,
  } as ConstructorParameters<typeof Worker>[1]);
  await nextMessage<{ type?: string }>(worker, (m) => m?.type === 'paddock:booted', 30_000);
  const ms = performance.now() - start;
  await worker.terminate();
  return ms;
}

/** One plugin-like worker timing the boot's steps (see baselines/boot-steps.ts). */
async function bootSteps(): Promise<Record<string, number>> {
  const worker = new Worker(benchFile('baselines/boot-steps.js'), {
    workerData: { spawnedAt: performance.timeOrigin + performance.now() },
    execArgv: ['--enable-source-maps'],
    env: {},
    stdout: true,
    stderr: true,
  } as ConstructorParameters<typeof Worker>[1]);
  try {
    return (await nextMessage<{ type?: string; steps: Record<string, number> }>(worker, (m) => m?.type === 'steps', 30_000)).steps;
  } finally {
    await worker.terminate();
  }
}

const NODE_LINE = Number(process.versions.node.split('.')[0]);

async function childProcess(): Promise<number> {
  const start = performance.now();
  const child = spawnNode(benchFile('baselines/first-message.js'));
  await child.nextLine((line) => line === 'ready', 30_000);
  const ms = performance.now() - start;
  await child.stop();
  return ms;
}

/** A runtime loading npm:@bench/npm-plugin from a cache filled once, with the registry gone. */
async function cachedNpmRuntime(ctx: BenchContext): Promise<PluginRuntime> {
  const packed = packFolder(fixturePath('npm-plugin'), ctx.tempDir);
  const registry = await startMiniRegistry([packed]);
  const packages = { registry: registry.url, cacheDir: join(ctx.tempDir, 'npm-cache'), lockfile: join(ctx.tempDir, 'paddock.lock') };
  try {
    const filler = benchRuntime(ctx, { packages });
    try {
      await filler.load({ url: NPM_SPECIFIER, id: 'fill-cache' });
    } finally {
      await filler.close();
    }
  } finally {
    await registry.close();
  }
  return benchRuntime(ctx, { packages: { ...packages, frozen: true } });
}

const scenario: Scenario = {
  number: 3,
  id: 'start',
  title: 'Plugin start to ready',
  file: 'bench/start.bench.ts',
  async run(ctx) {
    const rounds = ctx.quick ? 3 : 15;
    // The default (threads start in the plugin-host process, started in the warm-up round)
    // and the opt-out, threads in this process.
    const plain = benchRuntime(ctx);
    const spare = benchRuntime(ctx, { spareWorkers: 1 });
    const plainInProcess = benchRuntime(ctx, { workerHost: 'in-process' });
    const spareInProcess = benchRuntime(ctx, { workerHost: 'in-process', spareWorkers: 1 });
    let npm: PluginRuntime | undefined;
    try {
      ctx.progress('filling the package cache from a loopback registry');
      npm = await cachedNpmRuntime(ctx);
      const cached = npm;
      const variants: Record<string, () => Promise<number>> = {
        js: () => timeLoad(plain, './small-plugin.mjs'),
        ts: () => timeLoad(plain, './small-plugin.ts'),
        // Untimed after the sample: the runtime's new spare has booted, so its boot does not
        // run beside the next variant's sample.
        spare: async () => {
          const ms = await timeLoad(spare, './small-plugin.mjs', () => spare.warmUp());
          await spare.warmUp();
          return ms;
        },
        jsInProcess: () => timeLoad(plainInProcess, './small-plugin.mjs'),
        spareInProcess: async () => {
          const ms = await timeLoad(spareInProcess, './small-plugin.mjs', () => spareInProcess.warmUp());
          await spareInProcess.warmUp();
          return ms;
        },
        boot: bootstrapOnly,
        bootUnbundled: unbundledBoot,
        worker: () => bareWorker(),
        workerZod: () => bareWorker('zod'),
        workerHooks: () => bareWorker('hooks'),
        process: childProcess,
        npm: () => timeLoad(cached, NPM_SPECIFIER),
      };
      ctx.progress('warm-up round');
      await interleave(1, variants);
      ctx.progress(`${rounds} rounds × ${Object.keys(variants).length} variants`);
      const samples = await interleave(rounds, variants);
      const med = (name: string) => summarise(samples[name]!).median;
      ctx.progress(`boot breakdown: ${rounds} workers`);
      const stepSamples: Record<string, number[]> = {};
      for (let i = 0; i <= rounds; i++) {
        const steps = await bootSteps();
        if (i === 0) continue; // warm-up
        for (const [name, ms] of Object.entries(steps)) (stepSamples[name] ??= []).push(ms);
      }
      ctx.progress('Deno sandboxed worker');
      const deno = denoBaseline(ctx.quick);
      const worker = { label: 'bare new Worker → first message', value: med('worker') };
      const child = { label: 'child process → first line', value: med('process') };
      const rows: Row[] = [
        compare('file: JS plugin, median', 'ms', 'lower', med('js'), worker, targets.ratioAtMost(1.5, '≤ 1.5× bare Worker')),
        compare('file: JS plugin, median', 'ms', 'lower', med('js'), child),
        ...(deno.value ? [compare('file: JS plugin, median', 'ms', 'lower', med('js'), { label: `${denoLabel(deno.value)} → first message`, value: deno.value.startMs },
          NODE_LINE >= 26 ? targets.ratioAtMost(1, '≤ Deno (Node 26)') : undefined)] : []),
        compare('file: JS plugin, median, workerHost "in-process"', 'ms', 'lower', med('jsInProcess'), worker, targets.ratioAtMost(1.5, '≤ 1.5× bare Worker')),
        ...(deno.value ? [compare('file: JS plugin, median, workerHost "in-process"', 'ms', 'lower', med('jsInProcess'), { label: `${denoLabel(deno.value)} → first message`, value: deno.value.startMs },
          NODE_LINE >= 26 ? targets.ratioAtMost(1, '≤ Deno (Node 26)') : undefined)] : []),
        compare('file: TS plugin, median', 'ms', 'lower', med('ts'), worker),
        compare('cached npm: plugin, median', 'ms', 'lower', med('npm'), worker),
        compare('from a warm spare worker, median', 'ms', 'lower', med('spare'), undefined, targets.atMost(3, '≤ 3 ms')),
        compare('from a warm spare worker, median', 'ms', 'lower', med('spare'), worker),
        compare('from a warm spare worker, median, workerHost "in-process"', 'ms', 'lower', med('spareInProcess'), undefined, targets.atMost(3, '≤ 3 ms')),
        compare('of which worker boot (bootstrap, no plugin)', 'ms', 'lower', med('boot'), worker),
        compare('of which worker boot (bootstrap, no plugin)', 'ms', 'lower', med('boot'), { label: 'bare Worker importing zod', value: med('workerZod') }),
        compare('of which worker boot (bootstrap, no plugin)', 'ms', 'lower', med('boot'), { label: 'bare Worker + module hooks thread', value: med('workerHooks') }),
        compare('of which worker boot (bootstrap, no plugin)', 'ms', 'lower', med('boot'), { label: 'same boot from the per-module entry (unbundled)', value: med('bootUnbundled') }),
        ...Object.entries(stepSamples).map(([name, values]) => compare(`worker boot, step: ${name}`, 'ms', 'lower', summarise(values).median)),
      ];
      return {
        rows,
        notes: [
          `start: median of ${rounds} interleaved rounds after one warm-up round; ready = runtime.load() resolved (imported, constructed, meta verified, validate and configure answered).`,
          `start: worker boot steps: median of ${rounds} workers after one, each step what it adds after the previous ones (bench/baselines/boot-steps.ts); their sum is close to the worker boot.`,
          deno.value
            ? `start: Deno ${deno.value.deno}: median of ${deno.value.rounds} workers after one, in a Deno process of its own after Paddock's samples (bench/deno/measure.ts).`
            : `start: Deno sandboxed worker ${deno.missing ?? 'not measured'}.`,
        ],
      };
    } finally {
      await Promise.all([plain.close(), spare.close(), plainInProcess.close(), spareInProcess.close(), npm?.close()]);
    }
  },
};

export default scenario;
