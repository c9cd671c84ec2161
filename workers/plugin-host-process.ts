/**
 * Entry of the plugin-host process (runtime option `workerHost: "plugin-host"`): a child
 * process that runs worker-tier plugins' threads, so that a failure Node cannot contain
 * inside a worker (V8's fatal out-of-memory aborts the whole process, nodejs/node#47224)
 * costs this process a restart and never the embedding application.
 *
 * It runs trusted runtime code only, with Node's normal flags: each worker inside
 * enforces its own sandbox (gates, module policy) exactly as in the host process. For
 * each worker it creates the same thread the runtime would (same bootstrap, resource
 * limits and InitMessage) and relays its three ports, its output lines, its exit, and
 * measurements taken here from outside the worker (turns of its loop observed here,
 * sdk/kernel/worker-liveness.ts; external memory; heap where Node can read it;
 * event-loop utilisation). It also runs the task pools of those plugins
 * (plugin-host-tasks.ts). Protocol: sdk/kernel/plugin-host-protocol.ts.
 *
 * When the runtime goes away (the IPC channel closes), this process ends, and its
 * workers with it.
 */
import { serialize } from 'node:v8';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { CHANNELS, type ChannelName, type InitMessage } from '../sdk/kernel/protocol.js';
import { LIVENESS_SLOTS, WorkerLivenessProbe } from '../sdk/kernel/worker-liveness.js';
import { splitLines } from '../sdk/kernel/line-splitter.js';
import { freshViews } from '../sdk/kernel/fresh-views.js';
import { isLoggedCount } from '../sdk/kernel/logged-count.js';
import { TakenCounter } from '../sdk/kernel/send-credit.js';
import { PLUGIN_HOST_PROTOCOL, type HostedWorkerLimits, type PluginHostCommand, type PluginHostReport } from '../sdk/kernel/plugin-host-protocol.js';
import { handlePoolCommand, isPoolCommand } from './plugin-host-tasks.js';
import { endNow } from './end-now.js';

if (typeof process.send !== 'function') throw new Error('workers/plugin-host-process.js must be started by Paddock with an IPC channel');
const sendRaw = process.send.bind(process) as (message: PluginHostReport, handle?: undefined, options?: undefined, callback?: (error: Error | null) => void) => boolean;
const ignore = () => undefined;
/** `written` runs once the message is written to the channel (the runtime reads it in order). */
const send = (message: PluginHostReport, written: () => void = ignore) => {
  // A failed send means the runtime is gone; 'disconnect' ends this process.
  if (process.connected) sendRaw(message, undefined, undefined, written);
};
/**
 * Bytes of one plugin's messages handed to the channel and not yet written. Past it, no
 * more are taken off that plugin's ports until they are (its thread then waits within
 * its own window, sdk/kernel/send-credit.ts): the others' messages never queue behind
 * more than this of one plugin's.
 */
const RELAY_WINDOW_BYTES = 1024 * 1024;

const BOOTSTRAP_URL = new URL('./bootstrap.js', import.meta.url);
const MB = 1024 * 1024;
/**
 * Each worker is sampled this often. A sample goes up with each heartbeat interval, and
 * at once while the worker is busy or its heap is filling: if this process aborts, the
 * last measurements that reached the runtime name the likely cause.
 */
const SAMPLE_MS = 100;
const BUSY = 0.5;

interface Hosted {
  worker: Worker;
  ports: Record<ChannelName, MessagePort>;
  timer: NodeJS.Timeout;
  liveness: WorkerLivenessProbe;
}

const hosted = new Map<string, Hosted>();

/** A plugin worker as the runtime's spawnPluginWorker makes one (runtime/transport/worker-transport.ts). */
function newPluginWorker(limits: HostedWorkerLimits, name: string): Worker {
  const resourceLimits: Record<string, number> = {};
  for (const key of LIMIT_KEYS) {
    const value = limits[key];
    if (value !== undefined) resourceLimits[key] = value;
  }
  return new Worker(BOOTSTRAP_URL, {
    execArgv: ['--enable-source-maps'],
    env: {},
    resourceLimits,
    stdout: true,
    stderr: true,
    name,
  } as ConstructorParameters<typeof Worker>[1]);
}

const LIMIT_KEYS = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'stackSizeMb'] as const;
const limitsKey = (limits: HostedWorkerLimits) => LIMIT_KEYS.map((k) => limits[k] ?? '-').join('/');

/**
 * Warm spares (runtime option spareWorkers): workers booted ahead (bootstrap run, no
 * plugin) with the runtime's default limits. A spawn with the same limits takes a booted
 * one and another is made; a plugin's own code never runs in a worker that ran another's.
 */
const spares = { target: 0, key: '', limits: {} as HostedWorkerLimits, failures: 0, made: new Set<{ worker: Worker; booted: boolean }>() };

function reportWarm(took?: string): void {
  let n = 0;
  for (const spare of spares.made) if (spare.booted) n++;
  const report: PluginHostReport = { t: 'warm', n, gaveUp: spares.failures >= 3 };
  if (took !== undefined) report.took = took;
  send(report);
}

function fillSpares(): void {
  // Three boot failures in a row mean something is wrong with the install, not bad luck.
  while (refillTimer === undefined && spares.made.size < spares.target && spares.failures < 3) {
    const spare = { worker: newPluginWorker(spares.limits, 'paddock:spare'), booted: false };
    spares.made.add(spare);
    const onMessage = (message: { type?: unknown } | null) => {
      if (message?.type !== 'paddock:booted') return;
      spare.worker.off('message', onMessage);
      spare.booted = true;
      spares.failures = 0;
      reportWarm();
    };
    spare.worker.on('message', onMessage);
    // A boot error ends the spare ('exit' follows); unheard, it would end this process.
    spare.worker.on('error', () => undefined);
    spare.worker.once('exit', () => {
      spares.made.delete(spare);
      if (!spare.booted) spares.failures++;
      reportWarm();
      fillSpares();
    });
  }
}

/** How long after a spare is taken its replacement starts booting. */
const REFILL_AFTER_MS = 250;
let refillTimer: NodeJS.Timeout | undefined;

function takeSpare(w: string, limits: HostedWorkerLimits): Worker | undefined {
  if (limitsKey(limits) !== spares.key) return undefined;
  for (const spare of spares.made) {
    if (!spare.booted) continue;
    spares.made.delete(spare);
    spare.worker.removeAllListeners('message');
    spare.worker.removeAllListeners('error');
    spare.worker.removeAllListeners('exit');
    // Booting the replacement beside the plugin's own start would slow that start (they
    // share the cores): it is made once the plugin has had time to start.
    refillTimer ??= setTimeout(() => {
      refillTimer = undefined;
      fillSpares();
    }, REFILL_AFTER_MS);
    reportWarm(w);
    return spare.worker;
  }
  return undefined;
}

function spawn(command: Extract<PluginHostCommand, { t: 'spawn' }>): void {
  const { w } = command;
  if (hosted.has(w)) return;
  const spare = takeSpare(w, command.limits);
  const worker = spare ?? newPluginWorker(command.limits, command.name);
  const channels = CHANNELS.map((c) => [c, new MessageChannel()] as const);
  const ports = Object.fromEntries(channels.map(([c, channel]) => [c, channel.port1])) as Record<ChannelName, MessagePort>;
  // The channels' directions as the in-process transport names them (what the host receives).
  const directions: Record<ChannelName, string> = { control: 'control (plugin → host replies)', api: 'api (plugin → host calls)', events: 'events (plugin → host acks)' };
  let violated = false;
  let unrelayable = 0;
  const stopFor = (what: string) => {
    if (violated) return;
    violated = true;
    send({ t: 'violation', w, p: what, stop: true });
    void worker.terminate();
  };
  const taken = new TakenCounter();
  let unwritten = 0;
  let paused = false;
  const relays: Array<[MessagePort, (d: unknown) => void]> = [];
  const pause = () => {
    paused = true;
    for (const [port, relay] of relays) port.off('message', relay);
  };
  const resume = () => {
    paused = false;
    for (const [port, relay] of relays) port.on('message', relay);
  };
  const written = (bytes: number) => () => {
    unwritten -= bytes;
    if (paused && unwritten < RELAY_WINDOW_BYTES && !violated) resume();
  };
  for (const [c, channel] of channels) {
    const relay = (d: unknown) => {
      taken.took();
      if (violated) return;
      // Serialized here, where its size is known before the runtime holds any of it.
      let b: Buffer;
      try {
        b = serialize(d);
      } catch (error) {
        // Counted; reported at 1 … 10, then at each power of ten (a flood costs a few lines).
        const count = ++unrelayable;
        if (isLoggedCount(count)) send({ t: 'violation', w, p: `a message on the ${directions[c]} channel that cannot be relayed (${(error as Error).message}; ${count} so far)`, stop: false });
        return;
      }
      if (b.length > command.maxMessageBytes) {
        stopFor(`a message of ${b.length} bytes on the ${directions[c]} channel, over the ${command.maxMessageBytes} bytes one message may take (4 × caps.maxCallBytes); the plugin is stopped`);
        return;
      }
      unwritten += b.length;
      send({ t: 'msg', w, c, b }, written(b.length));
      if (unwritten >= RELAY_WINDOW_BYTES && !paused) pause();
    };
    relays.push([channel.port1, relay]);
    channel.port1.on('message', relay);
    // Undecodable here means it never reaches the runtime: say so, as the in-process transport does.
    channel.port1.on('messageerror', (e: Error) => send({ t: 'violation', w, p: `a message on the ${directions[c]} channel that the host cannot decode (${e.message})`, stop: false }));
  }
  // After boot the protocol uses only the three channels: anything on the worker's own
  // port is plugin code talking past them. It is reported once and the worker stopped.
  let booted = spare !== undefined;
  worker.on('message', (message: { type?: unknown } | null) => {
    if (!booted && message?.type === 'paddock:booted') {
      booted = true;
      return;
    }
    stopFor('a message on its parent port after boot; the plugin is stopped');
  });
  const liveness = new WorkerLivenessProbe(worker, command.heartbeatIntervalMs);
  const beats = liveness.readings;
  let elu = worker.performance.eventLoopUtilization();
  let heap: [number, number] | undefined;
  // External memory as V8 reads it from outside the thread (Node ≥ 22.16): seen while a
  // synchronous loop holds it, when the worker's own reading (answered pings) stops.
  let externalOutside = 0;
  let sampling = false;
  let sentAt = 0;
  // Sampled here, outside the worker: the runtime's monitors read what this sends.
  const timer = setInterval(() => {
    const current = worker.performance.eventLoopUtilization();
    const measured = worker.performance.eventLoopUtilization(current, elu).utilization;
    const e = Number.isFinite(measured) ? Math.min(Math.max(measured, 0), 1) : 0;
    elu = current;
    const m = Math.max(Atomics.load(beats, LIVENESS_SLOTS.externalMb), externalOutside);
    const beat: PluginHostReport = { t: 'beat', w, b: Atomics.load(beats, LIVENESS_SLOTS.turns), m, e };
    if (heap) beat.h = heap;
    const now = Date.now();
    const filling = heap !== undefined && heap[1] > 0 && heap[0] / heap[1] >= BUSY;
    if (now - sentAt >= command.heartbeatIntervalMs || e >= BUSY || filling) {
      sentAt = now;
      send(beat);
    }
    // Node ≥ 22.16 reads a worker's heap from outside, even while its loop is busy.
    const reader = (worker as Worker & { getHeapStatistics?: () => Promise<{ used_heap_size: number; heap_size_limit: number; external_memory: number }> }).getHeapStatistics;
    if (typeof reader === 'function' && !sampling) {
      sampling = true;
      reader.call(worker).then(
        (stats) => {
          heap = [Math.round(stats.used_heap_size / MB), Math.round(stats.heap_size_limit / MB)];
          externalOutside = Math.round(stats.external_memory / MB);
        },
        () => undefined,
      ).finally(() => {
        sampling = false;
      });
    }
  }, Math.min(command.heartbeatIntervalMs, SAMPLE_MS));
  hosted.set(w, { worker, ports, timer, liveness });

  let error: Error | undefined;
  worker.on('error', (e: Error) => {
    error = e;
  });
  worker.once('exit', (code) => {
    clearInterval(timer);
    liveness.stop();
    for (const port of Object.values(ports)) port.close();
    hosted.delete(w);
    const report: PluginHostReport = { t: 'exit', w, code };
    if (error) {
      // The plugin's own error: cut here, so a 20 MB message never crosses to the runtime.
      const cut = (text: unknown, max: number) => {
        const s = typeof text === 'string' ? text : String(text);
        return s.length > max ? `${s.slice(0, max)}…` : s;
      };
      report.error = { name: cut(error.name, 256), message: cut(error.message, 16_384) };
      if (error.stack !== undefined) report.error.stack = cut(error.stack, 16_384);
      const errorCode = (error as Error & { code?: unknown }).code;
      if (typeof errorCode === 'string') report.error.code = cut(errorCode, 256);
    }
    send(report);
  });
  // Byte-capped: a line without a newline costs this process at most maxLineBytes.
  splitLines(worker.stdout, command.maxLineBytes, (l) => send({ t: 'out', w, s: 'stdout', l }));
  splitLines(worker.stderr, command.maxLineBytes, (l) => send({ t: 'out', w, s: 'stderr', l }));

  const init: InitMessage = {
    type: 'paddock:init',
    protocol: command.protocol,
    control: channels[0][1].port2,
    api: channels[1][1].port2,
    events: channels[2][1].port2,
    liveness: liveness.workerPort,
    credit: taken.buffer,
    plugin: command.plugin,
  };
  worker.postMessage(init, [init.control, init.api, init.events, init.liveness]);
}

// Views in what the channel decoded share its read buffer, which holds other plugins'
// messages: each command's typed arrays are copied out before anything reaches a thread.
process.on('message', (raw: PluginHostCommand) => {
  const command = freshViews(raw);
  if (command && isPoolCommand(command)) {
    handlePoolCommand(command, send);
    return;
  }
  switch (command?.t) {
    case 'spawn':
      spawn(command);
      return;
    case 'msg':
      hosted.get(command.w)?.ports[command.c]?.postMessage(command.d);
      return;
    case 'terminate':
      void hosted.get(command.w)?.worker.terminate();
      return;
    case 'spares':
      spares.target = Math.max(0, Math.min(64, Math.floor(command.n)));
      spares.limits = command.limits;
      spares.key = limitsKey(command.limits);
      fillSpares();
      return;
    default:
  }
});
// The runtime is gone: nothing here may outlive it, even a thread stuck in a system call.
process.on('disconnect', endNow);
send({ t: 'ready', protocol: PLUGIN_HOST_PROTOCOL });
