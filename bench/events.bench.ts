/**
 * Scenario 2: event delivery, host → 1 subscribed plugin and host → many plugins.
 *
 *   Paddock          runtime.emit ─▶ per-plugin outbox ─▶ batches on the events port ─▶ listener.mjs
 *   raw postMessage  one postMessage per event per consumer ─▶ bare worker
 *   WebSocket        one JSON frame per event per consumer (ws, 127.0.0.1) ─▶ bare worker (Pup's event stream)
 *
 * Throughput: a burst of events emitted in chunks of 1024 per event-loop turn, timed
 * until every consumer has handled all of them (Paddock: runtime.drain(), which waits
 * for the plugins' acks). Latency: a steady stream paced by a 1 ms timer, each event
 * carrying its send time; the consumer records now − sent. Plus the host-side cost
 * of emitting an event no plugin subscribed to.
 */
import { MessageChannel } from 'node:worker_threads';
import { benchRuntime } from './lib/paddock.js';
import { paddockSinks, postMessageSinks, webSocketSinks, type EventSinks } from './lib/event-sinks.js';
import { interleave, median, nextTurn, summarise, wallClockMs } from './lib/stats.js';
import { startWorker, terminateAll } from './lib/threads.js';
import { compare, targets, type BenchContext, type Row, type Scenario } from './lib/types.js';

const CHUNK = 1024;

/** Emit `n` events to every consumer as fast as the loop allows; delivered events per second per consumer. */
async function burst(sinks: EventSinks, n: number): Promise<number> {
  await sinks.take();
  const start = performance.now();
  for (let i = 0; i < n; i += CHUNK) {
    const end = Math.min(n, i + CHUNK);
    for (let seq = i; seq < end; seq++) sinks.emit('tick', { seq });
    await nextTurn();
  }
  await sinks.settle(n);
  const seconds = (performance.now() - start) / 1000;
  const taken = await sinks.take();
  const short = taken.find((t) => t.count !== n);
  if (short) throw new Error(`${sinks.label}: a consumer handled ${short.count} of ${n} events`);
  return n / seconds;
}

/** A steady stream, `perTick` events every 1 ms for `ms`; every consumer's latencies in ms. */
async function paced(sinks: EventSinks, ms: number, perTick: number): Promise<number[]> {
  await sinks.take();
  let seq = 0;
  const end = performance.now() + ms;
  await new Promise<void>((resolve) => {
    const timer = setInterval(() => {
      for (let i = 0; i < perTick; i++) sinks.emit('tick', { seq: seq++, t: wallClockMs() });
      if (performance.now() >= end) {
        clearInterval(timer);
        resolve();
      }
    }, 1);
  });
  await sinks.settle(seq);
  const taken = await sinks.take();
  const short = taken.find((t) => t.count !== seq);
  if (short) throw new Error(`${sinks.label}: a consumer handled ${short.count} of ${seq} paced events`);
  return taken.flatMap((t) => [...t.latencies]);
}

async function measureGroup(ctx: BenchContext, sinks: EventSinks[], burstEvents: number, rounds: number, pacedMs: number, perTick: number) {
  const consumers = sinks[0]!.consumers;
  ctx.progress(`${consumers} consumer(s): ${rounds} rounds of a ${burstEvents}-event burst per variant`);
  await interleave(1, Object.fromEntries(sinks.map((s) => [s.label, () => burst(s, Math.min(burstEvents, 5_000))])));
  const rates = await interleave(rounds, Object.fromEntries(sinks.map((s) => [s.label, () => burst(s, burstEvents)])));
  ctx.progress(`${consumers} consumer(s): ${pacedMs} ms of a paced stream (${perTick} per ms) per variant`);
  const latencies: Record<string, ReturnType<typeof summarise>> = {};
  for (const s of sinks) latencies[s.label] = summarise(await paced(s, pacedMs, perTick));
  return { rate: (label: string) => median(rates[label]!) * consumers, latency: (label: string) => latencies[label]! };
}

const scenario: Scenario = {
  number: 2,
  id: 'events',
  title: 'Event delivery',
  file: 'bench/events.bench.ts',
  async run(ctx) {
    const quick = ctx.quick;
    const many = quick ? 5 : 50;
    const rounds = quick ? 2 : 3;
    const burstOne = quick ? 50_000 : 200_000;
    const burstMany = quick ? 5_000 : 20_000;
    const pacedMs = quick ? 400 : 2_000;
    const unsubscribed = quick ? 200_000 : 2_000_000;
    const rows: Row[] = [];
    const notes: string[] = [];
    // The default (threads in the plugin-host process: batches cross a process too) and the opt-out.
    const runtime = benchRuntime(ctx);
    const inProcessRuntime = benchRuntime(ctx, { workerHost: 'in-process' });
    const IN_PROCESS = 'Paddock, workerHost "in-process"';
    const opened: EventSinks[] = [];
    try {
      // One consumer.
      ctx.progress('starting 1 consumer per variant');
      const one = [await paddockSinks(runtime, 1, burstOne), await paddockSinks(inProcessRuntime, 1, burstOne, IN_PROCESS), await postMessageSinks(1), await webSocketSinks(1)];
      opened.push(...one);
      const single = await measureGroup(ctx, one, burstOne, rounds, pacedMs, 5);
      const paddockRate = single.rate('Paddock');
      rows.push(compare('1 plugin: events/s', 'events/s', 'higher', paddockRate, undefined, targets.atLeast(2_500_000, '≥ 2,500,000 events/s')));
      for (const label of ['raw postMessage', 'WebSocket 127.0.0.1']) {
        rows.push(compare('1 plugin: events/s', 'events/s', 'higher', paddockRate, { label, value: single.rate(label) }));
      }
      const inProcessRate = single.rate(IN_PROCESS);
      rows.push(compare('1 plugin: events/s, workerHost "in-process"', 'events/s', 'higher', inProcessRate, undefined, targets.atLeast(2_500_000, '≥ 2,500,000 events/s')));
      rows.push(compare('1 plugin: events/s, workerHost "in-process"', 'events/s', 'higher', inProcessRate, { label: 'raw postMessage', value: single.rate('raw postMessage') }));
      for (const [measure, pick] of [['1 plugin: latency p50', 'median'], ['1 plugin: latency p99', 'p99']] as const) {
        for (const label of ['raw postMessage', 'WebSocket 127.0.0.1']) {
          rows.push(compare(measure, 'ms', 'lower', single.latency('Paddock')[pick], { label, value: single.latency(label)[pick] }));
        }
        rows.push(compare(`${measure}, workerHost "in-process"`, 'ms', 'lower', single.latency(IN_PROCESS)[pick], { label: 'raw postMessage', value: single.latency('raw postMessage')[pick] }));
      }

      // An event nobody subscribed to: the host-side cost, and proof that it went nowhere.
      ctx.progress(`${unsubscribed} events nobody subscribed to`);
      const [paddockOne] = one as [Awaited<ReturnType<typeof paddockSinks>>, ...EventSinks[]];
      await paddockOne.take();
      let queued = 0;
      const data = { seq: 1 };
      const start = process.hrtime.bigint();
      for (let i = 0; i < unsubscribed; i++) if (runtime.emit('nobody-listens', data)) queued++;
      const unsubscribedNs = Number(process.hrtime.bigint() - start) / unsubscribed;
      await runtime.drain();
      const after = (await paddockOne.take())[0]!;
      const crossed = queued + after.count;
      const channel = new MessageChannel();
      const sink = await startWorker('baselines/event-sink.js', { port: channel.port2 }, [channel.port2]);
      const postStart = process.hrtime.bigint();
      const posts = Math.min(unsubscribed, 200_000);
      for (let i = 0; i < posts; i++) channel.port1.postMessage(['nobody-listens', data]);
      const postNs = Number(process.hrtime.bigint() - postStart) / posts;
      channel.port1.close();
      await terminateAll([sink]);
      rows.push(compare('unsubscribed event: host cost per emit', 'ns', 'lower', unsubscribedNs,
        { label: 'raw postMessage (if it crossed)', value: postNs },
        targets.holds(crossed === 0, 'never crosses a thread')));
      notes.push(`unsubscribed events: ${unsubscribed} emitted with 1 plugin subscribed to another event; ${crossed} were queued for or reached a plugin.`);

      for (const s of one) await s.close();
      opened.length = 0;

      // Many consumers.
      ctx.progress(`starting ${many} consumers per variant`);
      const group = [await paddockSinks(runtime, many, burstMany), await postMessageSinks(many), await webSocketSinks(many)];
      opened.push(...group);
      const fanout = await measureGroup(ctx, group, burstMany, rounds, pacedMs, 1);
      const manyRate = fanout.rate('Paddock');
      for (const label of ['raw postMessage', 'WebSocket 127.0.0.1']) {
        rows.push(compare(`${many} plugins: deliveries/s`, 'deliveries/s', 'higher', manyRate, { label, value: fanout.rate(label) }));
      }
      for (const [measure, pick] of [[`${many} plugins: latency p50`, 'median'], [`${many} plugins: latency p99`, 'p99']] as const) {
        for (const label of ['raw postMessage', 'WebSocket 127.0.0.1']) {
          rows.push(compare(measure, 'ms', 'lower', fanout.latency('Paddock')[pick], { label, value: fanout.latency(label)[pick] }));
        }
      }
      notes.push('events: the "Paddock" rows use the defaults, the listener\'s thread in the plugin-host process, so every batch crosses a process and a thread (structured clone twice); the "in-process" rows run the same listener on a runtime with workerHost "in-process".');
      notes.push(`events: bursts of ${burstOne} (1 plugin) and ${burstMany} (${many} plugins) events, emitted ${CHUNK} per event-loop turn, median of ${rounds} interleaved rounds; deliveries/s = events × plugins per second; every event was counted by every consumer.`);
      notes.push(`events: latency from a ${pacedMs} ms stream paced by a 1 ms timer (5 events per tick to 1 plugin, 1 per tick to ${many}), send time to the listener, across threads on one clock.`);
      return { rows, notes };
    } finally {
      // Only reached with sinks still open after a failure: close the rest, say what would not close.
      for (const s of opened) await s.close().catch((error: unknown) => ctx.progress(`could not close ${s.label}: ${String(error)}`));
      await runtime.close();
      await inProcessRuntime.close();
    }
  },
};

export default scenario;
