/**
 * Scenario 7: what the plugin-host process costs (runtime option workerHost, default
 * "plugin-host", docs/explanation/plugin-host.md) next to the opt-out, worker threads in
 * the application's process. Each row is plugin-host (the "Paddock" column) against
 * in-process (the baseline).
 *
 *   start, warm host        runtime.load() of small-plugin.mjs with the plugin-host process already running
 *   start, cold host        a new runtime's first plugin: the plugin-host process starts too
 *   plugin → host call      caller.mjs: client.call('echo', payload) round trips, timed in the plugin
 *   host → plugin call      runtime.invoke(id, 'seen') round trips, timed in the host
 *
 * Rounds interleave the two modes. CPU is not compared: the plugin-host process's CPU
 * is not visible to process.cpuUsage().
 */
import { defineMethod, z, type PluginRuntime } from '../runtime/index.js';
import { ECHO_PAYLOAD } from './baselines/protocol.js';
import { benchRuntime } from './lib/paddock.js';
import { interleave, summarise } from './lib/stats.js';
import { compare, type BenchContext, type Row, type Scenario } from './lib/types.js';

const payloadSchema = z.object({ id: z.number().int(), name: z.string(), tags: z.array(z.string()) });
type Mode = 'in-process' | 'plugin-host';

function runtimeFor(ctx: BenchContext, mode: Mode): PluginRuntime {
  return benchRuntime(ctx, {
    workerHost: mode,
    api: { echo: defineMethod({ scope: 'read', params: z.tuple([payloadSchema]), handler: (_ctx, payload) => payload }) },
  });
}

let loads = 0;
async function timeLoad(runtime: PluginRuntime): Promise<number> {
  const id = `start-${++loads}`;
  const start = performance.now();
  await runtime.load({ url: './small-plugin.mjs', id });
  const ms = performance.now() - start;
  await runtime.unload(id);
  return ms;
}

async function coldLoad(ctx: BenchContext, mode: Mode): Promise<number> {
  const runtime = runtimeFor(ctx, mode);
  try {
    const start = performance.now();
    await runtime.load({ url: './small-plugin.mjs', id: 'cold' });
    return performance.now() - start;
  } finally {
    await runtime.close();
  }
}

async function invokes(runtime: PluginRuntime, id: string, n: number): Promise<number[]> {
  const samples: number[] = [];
  for (let i = 0; i < n; i++) {
    const start = performance.now();
    await runtime.invoke(id, 'seen');
    samples.push(performance.now() - start);
  }
  return samples;
}

const scenario: Scenario = {
  number: 7,
  id: 'plugin-host',
  title: 'Plugin-host process vs in-process workers',
  file: 'bench/plugin-host.bench.ts',
  async run(ctx) {
    const startRounds = ctx.quick ? 3 : 12;
    const callRounds = ctx.quick ? 2 : 5;
    const calls = ctx.quick ? 500 : 2_000;
    const warmup = ctx.quick ? 1_000 : 4_000;
    const inProcess = runtimeFor(ctx, 'in-process');
    const hosted = runtimeFor(ctx, 'plugin-host');
    try {
      ctx.progress('starting the plugins in both modes');
      for (const runtime of [inProcess, hosted]) {
        await runtime.load({ url: './caller.mjs', id: 'caller' });
        await runtime.load({ url: './small-plugin.mjs', id: 'small' });
      }
      const starts = {
        inProcess: () => timeLoad(inProcess),
        hosted: () => timeLoad(hosted),
        inProcessCold: () => coldLoad(ctx, 'in-process'),
        hostedCold: () => coldLoad(ctx, 'plugin-host'),
      };
      ctx.progress('start: warm-up round');
      await interleave(1, starts);
      ctx.progress(`start: ${startRounds} rounds × ${Object.keys(starts).length} variants`);
      const started = await interleave(startRounds, starts);

      const callVariants = (n: number) => ({
        inProcessOut: async () => [...(await inProcess.invoke('caller', 'roundTrips', { n, payload: ECHO_PAYLOAD }) as Float64Array)],
        hostedOut: async () => [...(await hosted.invoke('caller', 'roundTrips', { n, payload: ECHO_PAYLOAD }) as Float64Array)],
        inProcessIn: () => invokes(inProcess, 'small', n),
        hostedIn: () => invokes(hosted, 'small', n),
      });
      ctx.progress(`calls: warming up (${warmup} calls each)`);
      await interleave(1, callVariants(warmup));
      ctx.progress(`calls: ${callRounds} rounds × ${calls} calls × 4 variants`);
      const called = await interleave(callRounds, callVariants(calls));
      const us = (name: keyof ReturnType<typeof callVariants>) => summarise(called[name]!.flat().map((ms) => ms * 1000));
      const med = (name: keyof typeof starts) => summarise(started[name]!).median;

      const rows: Row[] = [
        compare('start, warm plugin-host, median', 'ms', 'lower', med('hosted'), { label: 'in-process worker', value: med('inProcess') }),
        compare('start, new runtime (cold), median', 'ms', 'lower', med('hostedCold'), { label: 'in-process worker', value: med('inProcessCold') }),
      ];
      for (const [label, hostedName, inName] of [
        ['plugin → host call', 'hostedOut', 'inProcessOut'],
        ['host → plugin invoke', 'hostedIn', 'inProcessIn'],
      ] as const) {
        const h = us(hostedName);
        const i = us(inName);
        rows.push(compare(`${label}, median`, 'µs', 'lower', h.median, { label: 'in-process worker', value: i.median }));
        rows.push(compare(`${label}, p99`, 'µs', 'lower', h.p99, { label: 'in-process worker', value: i.p99 }));
      }
      return {
        rows,
        notes: [
          `plugin-host: start is the median of ${startRounds} interleaved rounds after a warm-up round (cold = a new runtime, so the plugin-host process starts with its first plugin); calls: ${callRounds} rounds × ${calls} sequential calls per variant after ${warmup} warm-up calls, payload ${JSON.stringify(ECHO_PAYLOAD)}.`,
        ],
      };
    } finally {
      await Promise.all([inProcess.close(), hosted.close()]);
    }
  },
};

export default scenario;
