/**
 * Scenario 1: an API call round trip, plugin → host → plugin, with a small payload.
 *
 *   Paddock        plugin worker ── client.call('echo') ── Comlink/api port ──▶ host: token, zod, handler
 *   raw postMessage   bare worker ── postMessage ──▶ host echoes it back
 *   bare Comlink      bare worker ── Comlink (node adapter) ──▶ host: echo
 *   HTTP + JSON       bare worker ── fetch POST 127.0.0.1 ──▶ host http server (Pup's way)
 *   JSON-RPC stdio    child process ── a line on stdout ──▶ host answers on its stdin (Stash's way)
 *
 * Every variant is timed from the calling side, one call at a time, in interleaved
 * rounds. Besides wall-clock latency, the CPU time per call (host and worker threads
 * together, from process.cpuUsage) is reported: it barely moves with the machine's
 * load, so it shows the work each variant does even on a busy machine. The host-side
 * cost of the token check is measured on its own and set against the round trip.
 */
import { createServer, type Server } from 'node:http';
import { once } from 'node:events';
import { MessageChannel, type Worker } from 'node:worker_threads';
import { expose } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { defineMethod, z } from '../runtime/index.js';
import { TokenAuthority } from '../runtime/tokens.js';
import { ECHO_PAYLOAD, type EchoPayload, type RunReply } from './baselines/protocol.js';
import { denoBaseline, denoLabel } from './lib/deno.js';
import { benchRuntime } from './lib/paddock.js';
import { interleave, summarise } from './lib/stats.js';
import { ask, benchFile, spawnNode, startWorker, terminateAll, type LineChild } from './lib/threads.js';
import { compare, targets, type Row, type Scenario } from './lib/types.js';

const payloadSchema = z.object({ id: z.number().int(), name: z.string(), tags: z.array(z.string()) });

async function echoServer(): Promise<{ server: Server; url: string }> {
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown;
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(JSON.stringify(body));
    });
  });
  server.keepAliveTimeout = 60_000;
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address() as { port: number };
  return { server, url: `http://127.0.0.1:${address.port}/echo` };
}

/** The host side of the stdio JSON-RPC baseline: answers `echo`, collects `run`'s samples. */
async function stdioPlugin(): Promise<{ child: LineChild; run(n: number): Promise<number[]> }> {
  const child = spawnNode(benchFile('baselines/round-trip-stdio.js'));
  const ready = child.nextLine((line) => line.includes('"ready"'), 30_000);
  let runs = 0;
  const replies = new Map<string, (samples: number[]) => void>();
  child.onLine((line) => {
    const message = JSON.parse(line) as { id?: number | string; method?: string; params?: unknown[]; result?: number[] };
    if (message.method === 'echo') {
      child.send(JSON.stringify({ jsonrpc: '2.0', id: message.id, result: message.params?.[0] }));
    } else if (typeof message.id === 'string' && message.result) {
      replies.get(message.id)?.(message.result);
      replies.delete(message.id);
    }
  });
  await ready;
  return {
    child,
    run(n) {
      const id = `run-${++runs}`;
      const done = new Promise<number[]>((resolve) => replies.set(id, resolve));
      child.send(JSON.stringify({ jsonrpc: '2.0', id, method: 'run', params: { n, payload: ECHO_PAYLOAD } }));
      return done;
    },
  };
}

/** ns per cached token verification on the host, the check every call goes through. */
function tokenCheckNs(iterations: number): number {
  const tokens = new TokenAuthority();
  const { token } = tokens.issue('bench', ['read', 'log'], 300_000);
  let sink = 0;
  for (let i = 0; i < 10_000; i++) sink += tokens.verify(token, 'bench').scopes.size;
  const start = process.hrtime.bigint();
  for (let i = 0; i < iterations; i++) sink += tokens.verify(token, 'bench').scopes.size;
  const ns = Number(process.hrtime.bigint() - start) / iterations;
  if (sink === 0) throw new Error('token check returned nothing');
  return ns;
}

const scenario: Scenario = {
  number: 1,
  id: 'round-trip',
  title: 'API call round trip',
  file: 'bench/round-trip.bench.ts',
  async run(ctx) {
    const rounds = ctx.quick ? 2 : 5;
    const calls = ctx.quick ? 1_000 : 4_000;
    // Paddock's call path (zod, checks) needs thousands of calls before the JIT settles; Comlink fewer.
    const warmup = ctx.quick ? 2_000 : 8_000;

    const api = {
      echo: defineMethod({ scope: 'read', params: z.tuple([payloadSchema]), handler: (_ctx, payload) => payload }),
    };
    // The default (the plugin's thread in the plugin-host process: two hops, one of them
    // between processes) and the opt-out with the thread in this process.
    const runtime = benchRuntime(ctx, { api });
    const inProcessRuntime = benchRuntime(ctx, { api, workerHost: 'in-process' });
    const workers: Worker[] = [];
    const { server, url } = await echoServer();
    let stdio: Awaited<ReturnType<typeof stdioPlugin>> | undefined;
    try {
      ctx.progress('starting the Paddock plugin and the baselines');
      const { id } = await runtime.load({ url: './caller.mjs', id: 'caller' });
      await inProcessRuntime.load({ url: './caller.mjs', id: 'caller' });

      const raw = new MessageChannel();
      raw.port1.on('message', (message: unknown) => raw.port1.postMessage(message));
      const comlink = new MessageChannel();
      expose({ echo: (payload: EchoPayload) => payload }, nodeEndpoint(comlink.port1));
      const rawWorker = await startWorker('baselines/round-trip-raw.js', { port: raw.port2 }, [raw.port2]);
      const comlinkWorker = await startWorker('baselines/round-trip-comlink.js', { port: comlink.port2 }, [comlink.port2]);
      const httpWorker = await startWorker('baselines/round-trip-http.js', { url });
      workers.push(rawWorker, comlinkWorker, httpWorker);
      stdio = await stdioPlugin();
      const stdioRun = stdio.run;

      // Each run returns its samples (ms) and the CPU time the whole process spent (µs):
      // host and worker threads both count, and CPU time barely moves with the machine's load.
      const timed = (run: () => Promise<number[]>) => async () => {
        const cpu = process.cpuUsage();
        const samples = await run();
        const used = process.cpuUsage(cpu);
        return { samples, cpuUs: used.user + used.system };
      };
      const inWorker = (worker: Worker, n: number) => timed(async () =>
        [...(await ask<RunReply>(worker, { type: 'run', n, payload: ECHO_PAYLOAD }, 'samples')).samples]);
      const inPlugin = (r: typeof runtime, n: number) => timed(async () =>
        [...(await r.invoke(id, 'roundTrips', { n, payload: ECHO_PAYLOAD }) as Float64Array)]);
      const variants = (n: number) => ({
        paddock: inPlugin(runtime, n),
        inProcess: inPlugin(inProcessRuntime, n),
        raw: inWorker(rawWorker, n),
        comlink: inWorker(comlinkWorker, n),
        http: inWorker(httpWorker, n),
        stdio: timed(() => stdioRun(n)),
      });

      ctx.progress(`warming up (${warmup} calls each)`);
      await interleave(1, variants(warmup));
      ctx.progress(`measuring: ${rounds} rounds × ${calls} calls × 6 variants`);
      const measured = await interleave(rounds, variants(calls));
      type Variant = keyof ReturnType<typeof variants>;
      const us = (name: Variant) => summarise(measured[name]!.flatMap((run) => run.samples).map((ms) => ms * 1000));
      const cpuPerCall = (name: Variant) => measured[name]!.reduce((sum, run) => sum + run.cpuUs, 0) / (rounds * calls);
      const paddock = us('paddock');
      const baselines = [
        { label: 'raw postMessage', s: us('raw') },
        { label: 'bare Comlink', s: us('comlink') },
        { label: 'HTTP+JSON 127.0.0.1', s: us('http') },
        { label: 'JSON-RPC over stdio', s: us('stdio') },
      ];
      const medianTargets: Record<string, ReturnType<typeof targets.ratioAtMost>> = {
        'raw postMessage': targets.ratioAtMost(1.3, '≤ 1.3×'),
        'bare Comlink': targets.ratioAtMost(1.1, '≤ 1.1×'),
        'HTTP+JSON 127.0.0.1': targets.ratioAtMost(1 / 15, '≥ 15× faster'),
      };
      const rows: Row[] = [];
      for (const b of baselines) {
        rows.push(compare('round trip, median', 'µs', 'lower', paddock.median, { label: b.label, value: b.s.median }, medianTargets[b.label]));
      }
      const inProcess = us('inProcess');
      rows.push(compare('round trip, median, workerHost "in-process"', 'µs', 'lower', inProcess.median, { label: 'raw postMessage', value: us('raw').median }, medianTargets['raw postMessage']));
      rows.push(compare('round trip, median, workerHost "in-process"', 'µs', 'lower', inProcess.median, { label: 'bare Comlink', value: us('comlink').median }, medianTargets['bare Comlink']));
      // Deno's sandboxed worker echoing the same payload, in a Deno process of its own (lib/deno.ts).
      const deno = denoBaseline(ctx.quick);
      if (deno.value) rows.push(compare('round trip, median', 'µs', 'lower', paddock.median, { label: `${denoLabel(deno.value)} (postMessage echo)`, value: deno.value.roundTripUs }));
      for (const b of baselines) rows.push(compare('round trip, p99', 'µs', 'lower', paddock.p99, { label: b.label, value: b.s.p99 }));
      // The stdio plugin's CPU is spent in another process, which process.cpuUsage() does not see.
      // So is the plugin-host process's: the CPU row is the in-process mode's, where every thread is in this process.
      for (const [label, name] of [['raw postMessage', 'raw'], ['bare Comlink', 'comlink'], ['HTTP+JSON 127.0.0.1', 'http']] as const) {
        rows.push(compare('CPU per call, both threads, workerHost "in-process"', 'µs', 'lower', cpuPerCall('inProcess'), { label, value: cpuPerCall(name) }));
      }

      ctx.progress('measuring the token check');
      const tokenNs = tokenCheckNs(ctx.quick ? 200_000 : 2_000_000);
      rows.push(compare('token check per call (host side)', 'ns', 'lower', tokenNs,
        { label: 'Paddock round trip, median', value: paddock.median * 1000 },
        targets.ratioAtMost(0.01, 'not visible (< 1% of the round trip)')));
      return {
        rows,
        notes: [
          'The first rows are the default mode: the plugin thread runs in the plugin-host process, so each call crosses a thread and a process twice; the "in-process" rows run the same plugin on a runtime with workerHost "in-process".',
          `${rounds} interleaved rounds × ${calls} sequential calls per variant (${paddock.n} samples each), after ${warmup} warm-up calls; payload ${JSON.stringify(ECHO_PAYLOAD)}; Paddock's host method validates it with zod.`,
          ...(deno.value ? [`Deno: the worker echoes the payload, ${deno.value.calls} calls after as many warm-up calls, median.`] : [`Deno sandboxed worker ${deno.missing ?? 'not measured'}.`]),
        ],
      };
    } finally {
      await stdio?.child.stop();
      await terminateAll(workers);
      server.closeAllConnections();
      server.close();
      await runtime.close();
      await inProcessRuntime.close();
    }
  },
};

export default scenario;
