/**
 * Scenario 6: under load. N healthy plugins (20; quick: 8) receive a steady event
 * stream (one event per 1 ms timer tick, carrying its send time) while one more
 * plugin on the same stream misbehaves; the healthy plugins' delivery latency is
 * compared with the same stream when all are healthy.
 *
 *   healthy     N listeners, nothing else
 *   blocked     + one listener that blocks its event loop for good at its 50th event:
 *               the heartbeat notices within blockTimeoutMs, the worker is terminated
 *               and restarted (and blocks again: unacknowledged events are redelivered)
 *   crashing    + one listener that throws an uncaught error at its 50th event:
 *               crash, backoff, restart, crash …
 *
 * A short unrecorded warm-up phase runs first; then the three phases in interleaved
 * rounds, so a burst of load from elsewhere does not land on one of them only.
 *
 * Also recorded: the host's event-loop delay (p99) in each phase and the faulty
 * plugin's restarts, so "contained" is visible, not assumed.
 */
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { PluginRuntime } from '../runtime/index.js';
import { benchRuntime, loadMany } from './lib/paddock.js';
import { interleave, median, summarise, wallClockMs } from './lib/stats.js';
import type { Taken } from './lib/event-sinks.js';
import { compare, type Row, type Scenario } from './lib/types.js';

interface Phase {
  /** Every healthy plugin's delivery latencies, ms. */
  latencies: number[];
  hostDelayP99Ms: number;
  restarts: number;
  events: number;
}

const FAULT_LIMITS = { blockTimeoutMs: 500, restartBackoffMs: 100, maxRestartBackoffMs: 400, maxRestarts: 1_000, stableAfterMs: 600_000, stopTimeoutMs: 200 };

async function phase(runtime: PluginRuntime, healthy: string[], ms: number, fault?: Record<string, number>): Promise<Phase> {
  let restarts = 0;
  const onState = (change: { id: string; to: string }) => {
    if (change.id === 'faulty' && change.to === 'crashed') restarts++;
  };
  runtime.on('plugin:state', onState);
  if (fault) await runtime.load({ url: './listener.mjs', id: 'faulty', options: { events: ['tick'], ...fault }, limits: FAULT_LIMITS });
  await Promise.all(healthy.map((id) => runtime.invoke(id, 'take')));
  const delay = monitorEventLoopDelay({ resolution: 10 });
  delay.enable();
  let seq = 0;
  const end = performance.now() + ms;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      runtime.emit('tick', { seq: seq++, t: wallClockMs() });
      if (performance.now() >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  delay.disable();
  await Promise.all(healthy.map((id) => runtime.drain(id)));
  const taken = await Promise.all(healthy.map(async (id) => (await runtime.invoke(id, 'take')) as Taken));
  const short = taken.find((t) => t.count !== seq);
  if (short) throw new Error(`a healthy plugin handled ${short.count} of ${seq} events`);
  runtime.off('plugin:state', onState);
  if (fault) await runtime.unload('faulty');
  return {
    latencies: taken.flatMap((t) => [...t.latencies]),
    hostDelayP99Ms: delay.percentile(99) / 1e6,
    restarts,
    events: seq,
  };
}

const scenario: Scenario = {
  number: 6,
  id: 'under-load',
  title: 'Under load',
  file: 'bench/under-load.bench.ts',
  async run(ctx) {
    const count = ctx.quick ? 8 : 20;
    const ms = ctx.quick ? 1_000 : 1_500;
    const rounds = ctx.quick ? 1 : 5;
    // Crashes and blocked loops are the point here: their error lines would only be noise.
    const runtime = benchRuntime(ctx, { logLevel: 'silent' });
    try {
      ctx.progress(`loading ${count} listener plugins`);
      const healthy = await loadMany(runtime, count, (i) => ({ url: './listener.mjs', id: `healthy-${i}`, options: { events: ['tick'] } }));
      ctx.progress('warm-up');
      await phase(runtime, healthy, Math.min(ms, 500));
      ctx.progress(`${rounds} round(s) of ${ms} ms each: all healthy, one blocking its event loop, one crashing`);
      const phases = await interleave(rounds, {
        healthy: () => phase(runtime, healthy, ms),
        blocked: () => phase(runtime, healthy, ms, { blockAtEvent: 50 }),
        crashing: () => phase(runtime, healthy, ms, { crashAtEvent: 50 }),
      });
      const latency = (kind: keyof typeof phases) => summarise(phases[kind]!.flatMap((p) => p.latencies));
      const hostDelay = (kind: keyof typeof phases) => median(phases[kind]!.map((p) => p.hostDelayP99Ms));
      const restarts = (kind: keyof typeof phases) => phases[kind]!.reduce((sum, p) => sum + p.restarts, 0);
      const calm = latency('healthy');
      const blocked = latency('blocked');
      const crashing = latency('crashing');
      const base = (pick: 'median' | 'p99') => ({ label: 'same stream, all healthy', value: calm[pick] });
      const rows: Row[] = [
        compare(`${count} plugins' latency p50, one blocked`, 'ms', 'lower', blocked.median, base('median')),
        compare(`${count} plugins' latency p99, one blocked`, 'ms', 'lower', blocked.p99, base('p99')),
        compare(`${count} plugins' latency p50, one crashing`, 'ms', 'lower', crashing.median, base('median')),
        compare(`${count} plugins' latency p99, one crashing`, 'ms', 'lower', crashing.p99, base('p99')),
        compare('host event-loop delay p99, one blocked', 'ms', 'lower', hostDelay('blocked'), { label: 'all healthy', value: hostDelay('healthy') }),
        compare('host event-loop delay p99, one crashing', 'ms', 'lower', hostDelay('crashing'), { label: 'all healthy', value: hostDelay('healthy') }),
      ];
      const events = phases.healthy!.reduce((sum, p) => sum + p.events, 0);
      return {
        rows,
        notes: [
          `under load: ${count} healthy listeners, ${rounds} interleaved round(s) of three ${ms} ms phases, ~${Math.round(events / (rounds * ms / 1000))} events/s to each; every healthy plugin handled every event in every phase; host delay = median of the phases' p99.`,
          `under load: the blocked plugin was terminated and restarted ${restarts('blocked')} time(s) (blockTimeoutMs ${FAULT_LIMITS.blockTimeoutMs}); the crashing one restarted ${restarts('crashing')} time(s) (backoff ${FAULT_LIMITS.restartBackoffMs}–${FAULT_LIMITS.maxRestartBackoffMs} ms).`,
        ],
      };
    } finally {
      await runtime.close();
    }
  },
};

export default scenario;
