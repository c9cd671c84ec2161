/**
 * One plugin worker thread: spawn (or adopt a warm spare), hand it the plugin through
 * an InitMessage, and wire the three channels.
 *
 *   host                       ── control ──▶  PluginControl (Comlink wrap; replies gated)
 *   HostEndpoint (Comlink expose; requests gated) ◀── api ──
 *   Outbox                     ── events ──▶
 *   stdout / stderr lines of the worker ──▶ onOutput (pino, log store)
 */
import { createInterface } from 'node:readline';
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { expose, releaseProxy, wrap, type Remote as ComlinkRemote } from 'comlink';
import type { Remote } from '../../sdk/kernel/remote.js';
import { portEndpoint } from '../../sdk/kernel/port-endpoint.js';
import {
  HEARTBEAT_BYTES,
  HEARTBEAT_SLOTS,
  PROTOCOL_VERSION,
  type InitMessage,
  type PluginControl,
  type WorkerMessage,
} from '../../sdk/kernel/protocol.js';
import { apiRequestSchema, controlReplySchema } from './wire-schemas.js';
import { HeartbeatMonitor, MemoryMonitor } from '../supervisor/heartbeat-monitor.js';
import type { PluginTransport, TransportOptions } from './types.js';

export const BOOTSTRAP_URL = new URL('../../workers/bootstrap.js', import.meta.url);

const MAX_LINE = 8_192;

export interface WorkerResourceLimits {
  maxOldGenerationSizeMb?: number | undefined;
  maxYoungGenerationSizeMb?: number | undefined;
  stackSizeMb?: number | undefined;
}


/** Spawn a worker running the bootstrap; it posts `paddock:booted` when ready for a plugin. */
export function spawnPluginWorker(limits: WorkerResourceLimits, name: string): Worker {
  const resourceLimits: Record<string, number> = {};
  if (limits.maxOldGenerationSizeMb !== undefined) resourceLimits.maxOldGenerationSizeMb = limits.maxOldGenerationSizeMb;
  if (limits.maxYoungGenerationSizeMb !== undefined) resourceLimits.maxYoungGenerationSizeMb = limits.maxYoungGenerationSizeMb;
  if (limits.stackSizeMb !== undefined) resourceLimits.stackSizeMb = limits.stackSizeMb;
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
  readonly #heartbeat: Int32Array;
  readonly #heartbeatIntervalMs: number;
  readonly #worker: Worker;
  readonly #ports: MessagePort[];
  #exited = false;
  #exitPromise: Promise<void>;

  /** Runs the plugin in `worker` (a fresh one, or a warm spare), which must run the bootstrap. */
  constructor(options: TransportOptions, worker: Worker) {
    this.#worker = worker;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs;
    const control = new MessageChannel();
    const api = new MessageChannel();
    const events = new MessageChannel();
    const buffer = new SharedArrayBuffer(HEARTBEAT_BYTES);
    this.#heartbeat = new Int32Array(buffer);
    this.events = events.port1;
    this.#ports = [control.port1, api.port1, events.port1];

    let error: Error | undefined;
    worker.on('error', (e) => {
      error = e;
    });
    this.#exitPromise = new Promise((resolve) => {
      worker.once('exit', (code) => {
        this.#exited = true;
        // Comlink keeps each proxy's endpoint in a FinalizationRegistry; while our port
        // listeners reach back to the controller, that entry would keep everything alive.
        (this.control as unknown as ComlinkRemote<PluginControl>)[releaseProxy]();
        for (const port of this.#ports) {
          port.removeAllListeners();
          port.close();
        }
        options.onExit(error === undefined ? { code } : { code, error });
        resolve();
      });
    });
    pipeLines(worker.stdout, (line) => options.onOutput('stdout', line));
    pipeLines(worker.stderr, (line) => options.onOutput('stderr', line));

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
      heartbeat: buffer,
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      plugin: options.boot,
    };
    worker.postMessage(init, [control.port2, api.port2, events.port2]);
  }

  get exited(): boolean {
    return this.#exited;
  }

  get threadId(): number {
    return this.#worker.threadId;
  }

  watchLiveness(blockTimeoutMs: number, onBlocked: (blockedMs: number) => void): () => void {
    const monitor = new HeartbeatMonitor(this.#heartbeat, this.#heartbeatIntervalMs, blockTimeoutMs, onBlocked);
    return () => monitor.stop();
  }

  watchMemory(limitMb: number, onExceeded: (usedMb: number) => void): () => void {
    const monitor = new MemoryMonitor(this.#heartbeat, HEARTBEAT_SLOTS.externalMb, this.#heartbeatIntervalMs, limitMb, onExceeded);
    return () => monitor.stop();
  }

  /** Stop the worker now; resolves once it has exited. */
  async terminate(): Promise<void> {
    if (!this.#exited) await this.#worker.terminate();
    await this.#exitPromise;
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => onLine(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (${line.length} chars)` : line));
}
