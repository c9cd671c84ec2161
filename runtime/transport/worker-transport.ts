/**
 * One plugin worker thread: spawn (or adopt a warm spare), hand it the plugin through
 * an InitMessage, and wire the three channels.
 *
 *   host                       ── control ──▶  PluginControl (Comlink wrap; replies gated)
 *   HostEndpoint (Comlink expose; requests gated) ◀── api ──
 *   Outbox                     ── events ──▶
 *   stdout / stderr lines of the worker ──▶ onOutput (pino, log store)
 */
import { TakenCounter } from '../../sdk/kernel/send-credit.js';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { expose, releaseProxy, wrap, type Remote as ComlinkRemote } from 'comlink';
import type { Remote } from '../../sdk/kernel/remote.js';
import { portEndpoint } from '../../sdk/kernel/port-endpoint.js';
import { threadLimits } from '../../sdk/kernel/thread-limits.js';
import {
  HEARTBEAT_SLOTS,
  PROTOCOL_VERSION,
  type InitMessage,
  type PluginControl,
  type WorkerMessage,
} from '../../sdk/kernel/protocol.js';
import { apiRequestSchema, controlReplySchema } from './wire-schemas.js';
import { HeartbeatMonitor, MemoryMonitor } from '../supervisor/heartbeat-monitor.js';
import { WorkerLivenessProbe } from '../../sdk/kernel/worker-liveness.js';
import { splitLines } from '../limits/line-splitter.js';
import type { PluginTransport, TransportOptions } from './types.js';

// The bundled entry (build/bundle-workers.mjs): one file instead of the workers/ module graph.
export const BOOTSTRAP_URL = new URL('../../workers/bundle/bootstrap.js', import.meta.url);

const MAX_LINE_BYTES = 8_192;

export interface WorkerResourceLimits {
  maxOldGenerationSizeMb?: number | undefined;
  maxYoungGenerationSizeMb?: number | undefined;
  stackSizeMb?: number | undefined;
}


/** Spawn a worker running the bootstrap; it posts `paddock:booted` when ready for a plugin. */
export function spawnPluginWorker(limits: WorkerResourceLimits, name: string): Worker {
  const resourceLimits = threadLimits(limits);
  return new Worker(BOOTSTRAP_URL, {
    // Not the host's flags (--inspect, --import loaders …) and not the host's environment.
    execArgv: ['--enable-source-maps'],
    env: {},
    resourceLimits,
    stdout: true,
    stderr: true,
    name,
  } as ConstructorParameters<typeof Worker>[1]);
}

/** Resolves when the worker's bootstrap has booted; rejects if it dies first. */
export function whenBooted(worker: Worker): Promise<void> {
  return new Promise((resolve, reject) => {
    const onMessage = (message: WorkerMessage) => {
      if (message?.type !== 'paddock:booted') return;
      cleanup();
      resolve();
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code} while booting`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.once('error', onError);
    worker.once('exit', onExit);
  });
}

export class WorkerTransport implements PluginTransport {
  readonly kind = 'worker';
  readonly control: Remote<PluginControl>;
  readonly events: MessagePort;
  readonly #liveness: WorkerLivenessProbe;
  readonly #heartbeatIntervalMs: number;
  readonly #worker: Worker;
  readonly #ports: MessagePort[];
  #exited = false;
  #released = false;
  /** Set when the plugin broke the protocol; its worker is terminated and this is the reason. */
  #violation: string | undefined;
  #exitPromise: Promise<void>;

  /** Runs the plugin in `worker` (a fresh one, or a warm spare), which must run the bootstrap. */
  constructor(options: TransportOptions, worker: Worker) {
    this.#worker = worker;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs;
    const control = new MessageChannel();
    const api = new MessageChannel();
    const events = new MessageChannel();
    // Started now: a turn seen before the plugin runs is still a turn (watching starts with the first).
    this.#liveness = new WorkerLivenessProbe(worker, options.heartbeatIntervalMs);
    this.events = events.port1;
    this.#ports = [control.port1, api.port1, events.port1];

    let error: Error | undefined;
    worker.on('error', (e) => {
      error = e;
    });
    this.#exitPromise = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.#exited = true;
        this.#release();
        const reason = this.#violation;
        options.onExit({ code, ...(error === undefined ? {} : { error }), ...(reason === undefined ? {} : { reason }) });
        resolve();
      });
    });
    const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
    splitLines(worker.stdout, maxLine, (line) => options.onOutput('stdout', line));
    splitLines(worker.stderr, maxLine, (line) => options.onOutput('stderr', line));
    // After boot the protocol uses only its three channels: anything on the worker's own
    // port is plugin code talking past them (and once filled the host's memory).
    // A message the host cannot decode (nested too deep for its stack) would otherwise be
    // dropped without a word; the SDK refuses such values before sending, so this is a
    // plugin speaking past it, and it is logged with the channel and its direction.
    const channels: Array<[MessagePort, string]> = [[control.port1, 'control (plugin → host replies)'], [api.port1, 'api (plugin → host calls)'], [events.port1, 'events (plugin → host acks)']];
    // Each message taken counts toward the plugin's window (sdk/kernel/send-credit.ts).
    const taken = new TakenCounter();
    for (const [port, name] of channels) {
      port.on('message', () => taken.took());
      port.on('messageerror', (error: Error) => options.onProtocolViolation(`a message on the ${name} channel that the host cannot decode (${error.message})`));
    }
    let bootSeen = false;
    worker.on('message', (message: WorkerMessage) => {
      // A fresh worker (not a warm spare) says it booted after this transport exists: once.
      if (!bootSeen && message?.type === 'paddock:booted') {
        bootSeen = true;
        return;
      }
      if (this.#violation !== undefined) return;
      this.#violation = 'broke the protocol (a message on its parent port, which the protocol does not use after boot)';
      options.onProtocolViolation('a message on its parent port after boot; the plugin is stopped');
      void worker.terminate();
    });

    expose(options.endpoint, portEndpoint(api.port1, (data) => {
      if (apiRequestSchema.safeParse(data).success) return true;
      options.onProtocolViolation('a request on the api channel that is not an allowed call');
      return false;
    }));
    this.control = wrap<PluginControl>(portEndpoint(control.port1, (data) => {
      if (controlReplySchema.safeParse(data).success) return true;
      options.onProtocolViolation('a reply on the control channel that is not a plain value');
      return false;
    }));

    const init: InitMessage = {
      type: 'paddock:init',
      protocol: PROTOCOL_VERSION,
      control: control.port2,
      api: api.port2,
      events: events.port2,
      liveness: this.#liveness.workerPort,
      credit: taken.buffer,
      plugin: options.boot,
    };
    worker.postMessage(init, [control.port2, api.port2, events.port2, this.#liveness.workerPort]);
  }

  get exited(): boolean {
    return this.#exited;
  }

  get threadId(): number {
    return this.#worker.threadId;
  }

  watchLiveness(blockTimeoutMs: number, onBlocked: (blockedMs: number) => void): () => void {
    const monitor = new HeartbeatMonitor(this.#liveness.readings, this.#heartbeatIntervalMs, blockTimeoutMs, onBlocked);
    return () => monitor.stop();
  }

  /**
   * Two readings of the worker's external memory: the one its liveness answers carry (every
   * Node line; it comes from the plugin's thread), and, where Node has `worker.getHeapStatistics()` (22.16+, 24+), V8's own
   * count read by the host on its own interval. That one is answered by an interrupt of
   * the worker's isolate, so a synchronous allocation loop is seen while it runs, and
   * it is written by V8, not by code in the plugin's thread. Neither counts the growth of
   * a growable SharedArrayBuffer (V8 does not report it as external memory).
   */
  watchMemory(limitMb: number, onExceeded: (usedMb: number) => void): () => void {
    let fired = false;
    const once = (usedMb: number) => {
      if (fired) return;
      fired = true;
      stop();
      onExceeded(usedMb);
    };
    const monitor = new MemoryMonitor(this.#liveness.readings, HEARTBEAT_SLOTS.externalMb, this.#heartbeatIntervalMs, limitMb, once);
    const worker = this.#worker as Worker & { getHeapStatistics?: () => Promise<{ external_memory: number }> };
    let timer: NodeJS.Timeout | undefined;
    if (typeof worker.getHeapStatistics === 'function') {
      let asking = false;
      timer = setInterval(() => {
        if (asking || this.#exited) return;
        asking = true;
        worker.getHeapStatistics!().then((stats) => {
          asking = false;
          const usedMb = Math.round(stats.external_memory / 1_048_576);
          if (usedMb > limitMb) once(usedMb);
        }, () => {
          asking = false; // the worker is exiting; its exit is reported on its own
        });
      }, this.#heartbeatIntervalMs);
      timer.unref();
    }
    const stop = () => {
      monitor.stop();
      clearInterval(timer);
    };
    return stop;
  }

  /** The thread did not exit when terminated: let go of it (it stays until its system call returns). */
  abandon(): void {
    this.#release();
    this.#worker.unref();
  }

  #release(): void {
    if (this.#released) return;
    this.#released = true;
    this.#liveness.stop();
    // Comlink keeps each proxy's endpoint in a FinalizationRegistry; while our port
    // listeners reach back to the controller, that entry would keep everything alive.
    (this.control as unknown as ComlinkRemote<PluginControl>)[releaseProxy]();
    for (const port of this.#ports) {
      port.removeAllListeners();
      port.close();
    }
  }

  /** Stop the worker now; resolves once it has exited. */
  async terminate(): Promise<void> {
    if (!this.#exited) await this.#worker.terminate();
    await this.#exitPromise;
  }
}
