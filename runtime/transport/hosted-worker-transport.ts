/**
 * A worker-tier plugin whose thread runs in a plugin-host process (plugin-host.ts), not
 * in the application's process. Same protocol and same validation as WorkerTransport;
 * the three channels are relayed over the plugin-host process's IPC channel, tagged
 * with this worker's key, and the heartbeat arrives as sampled reports.
 *
 *   host                               plugin-host process            worker
 *   control / api / events ChannelPort ◀── IPC { t: 'msg', w, c } ──▶ MessagePorts ◀──▶ bootstrap
 *   heartbeat counter, external MB     ◀── { t: 'beat', w, … }    ◀── read from the shared buffer
 */
import { expose, releaseProxy, wrap, type Remote } from 'comlink';
import { ChannelPort } from '../../sdk/kernel/channel-port.js';
import { deserializeFresh } from '../../sdk/kernel/fresh-views.js';
import { portEndpoint } from '../../sdk/kernel/port-endpoint.js';
import { CHANNELS, HEARTBEAT_SLOTS, PROTOCOL_VERSION, type ChannelName, type PluginControl } from '../../sdk/kernel/protocol.js';
import type { HostedWorkerLimits, PluginHostReport } from '../../sdk/kernel/plugin-host-protocol.js';
import type { WorkerResourceLimits } from './worker-transport.js';
import { HeartbeatMonitor, MemoryMonitor } from '../supervisor/heartbeat-monitor.js';
import type { HostedMember, PluginHostPool, PluginHostProcess } from './plugin-host.js';
import type { PluginTransport, TransportOptions } from './types.js';
import { apiRequestSchema, controlReplySchema } from './wire-schemas.js';

let started = 0;
const MB = 1024 * 1024;
/** As WorkerTransport's default (caps.maxOutputLineBytes' default). */
const DEFAULT_MAX_LINE_BYTES = 8_192;
const DEFAULT_MAX_CALL_BYTES = 16 * 1024 * 1024;
/**
 * The plugin-host process refuses to relay a message from the worker larger than this:
 * the host never holds more of one. A result or argument a little over caps.maxCallBytes
 * still arrives and is refused by the host with the usual PADDOCK_ERR_CAP_EXCEEDED (the
 * plugin goes on); one this far over is a flood, and stops the plugin.
 */
const relayBound = (maxCallBytes: number) => 4 * maxCallBytes + 65_536;
/**
 * How long a worker may take to end after terminate before its plugin-host process is
 * killed (e.g. a thread stuck in a blocking system call, which Worker.terminate() cannot
 * interrupt): the application never waits on it for good.
 */
const TERMINATE_DEADLINE_MS = 5_000;

export class HostedWorkerTransport implements PluginTransport, HostedMember {
  readonly kind = 'worker';
  readonly pluginId: string;
  readonly control: Remote<PluginControl>;
  readonly events: ChannelPort;
  readonly #w: string;
  readonly #pool: PluginHostPool;
  readonly #host: PluginHostProcess;
  readonly #options: TransportOptions;
  readonly #ports: Record<ChannelName, ChannelPort>;
  /** [beat counter, external MB] as last sampled in the plugin-host process: read by the same monitors as a worker's buffer. */
  readonly #heartbeat = new Int32Array(2);
  #heap: [number, number] | undefined;
  #utilisation = 0;
  #exited = false;
  /** Set when the plugin-host process stopped the worker for breaking the protocol: the exit's reason. */
  #violation: string | undefined;
  #resolveExit!: () => void;
  readonly #exitPromise = new Promise<void>((resolve) => {
    this.#resolveExit = resolve;
  });

  constructor(options: TransportOptions, pool: PluginHostPool) {
    const boot = options.boot;
    this.pluginId = boot.id;
    this.#options = options;
    this.#pool = pool;
    this.#w = `${boot.id}#${++started}`;
    this.#host = pool.hostFor(boot.id);
    const host = this.#host;
    const w = this.#w;
    this.#ports = Object.fromEntries(CHANNELS.map((c) => [c, new ChannelPort((d) => host.send({ t: 'msg', w, c, d }))])) as Record<ChannelName, ChannelPort>;
    this.events = this.#ports.events;

    expose(options.endpoint, portEndpoint(this.#ports.api as never, (data) => {
      if (apiRequestSchema.safeParse(data).success) return true;
      options.onProtocolViolation('a request on the api channel that is not an allowed call');
      return false;
    }));
    this.control = wrap<PluginControl>(portEndpoint(this.#ports.control as never, (data) => {
      if (controlReplySchema.safeParse(data).success) return true;
      options.onProtocolViolation('a reply on the control channel that is not a plain value');
      return false;
    }));

    host.join(w, this, {
      t: 'spawn',
      w,
      name: `paddock:${boot.id}`,
      limits: hostedLimits(options.limits),
      heartbeatIntervalMs: options.heartbeatIntervalMs,
      maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
      maxMessageBytes: relayBound(options.maxCallBytes ?? DEFAULT_MAX_CALL_BYTES),
      protocol: PROTOCOL_VERSION,
      plugin: boot,
    });
  }

  get exited(): boolean {
    return this.#exited;
  }

  get heap(): [number, number] | undefined {
    return this.#heap;
  }

  get utilisation(): number {
    return this.#utilisation;
  }

  /** What the plugin-host process last sampled (for the metrics): event-loop use, heap (Node ≥ 22.16), external memory. */
  measured(): { eventLoopUtilization: number; memory: { heapUsed?: number; external?: number } } {
    const memory: { heapUsed?: number; external?: number } = { external: Atomics.load(this.#heartbeat, HEARTBEAT_SLOTS.externalMb) * MB };
    if (this.#heap) memory.heapUsed = this.#heap[0] * MB;
    return { eventLoopUtilization: this.#utilisation, memory };
  }

  /** Pid of the plugin-host process this worker runs in. */
  get hostPid(): number | undefined {
    return this.#host.pid;
  }

  deliver(report: Exclude<PluginHostReport, { t: 'ready' }>): void {
    if (this.#exited) return;
    switch (report.t) {
      case 'msg': {
        let data: unknown;
        try {
          data = deserializeFresh(report.b);
        } catch (error) {
          this.#options.onProtocolViolation(`a message on the ${report.c} channel that the host cannot decode (${(error as Error).message})`);
          return;
        }
        this.#ports[report.c].deliver(data);
        return;
      }
      case 'beat':
        Atomics.store(this.#heartbeat, HEARTBEAT_SLOTS.beat, report.b | 0);
        Atomics.store(this.#heartbeat, HEARTBEAT_SLOTS.externalMb, Math.min(report.m, 2 ** 31 - 1));
        this.#heap = report.h;
        this.#utilisation = report.e;
        return;
      case 'out':
        this.#options.onOutput(report.s, report.l);
        return;
      case 'violation':
        if (report.stop) {
          if (this.#violation !== undefined) return;
          this.#violation = `broke the protocol (${report.p.replace(/; the plugin is stopped$/, '')})`;
        }
        this.#options.onProtocolViolation(report.p);
        return;
      case 'exit': {
        let error: Error | undefined;
        if (report.error) {
          error = Object.assign(new Error(report.error.message), { name: report.error.name });
          if (report.error.stack !== undefined) error.stack = report.error.stack;
          if (report.error.code !== undefined) Object.assign(error, { code: report.error.code });
        }
        const reason = this.#violation;
        this.#finish({ code: report.code, ...(error === undefined ? {} : { error }), ...(reason === undefined ? {} : { reason }) });
        this.#pool.released(this.#host);
        return;
      }
      default:
    }
  }

  hostDied(reason: string): void {
    this.#finish({ code: 1, reason });
  }

  watchLiveness(blockTimeoutMs: number, onBlocked: (blockedMs: number) => void): () => void {
    const monitor = new HeartbeatMonitor(this.#heartbeat, this.#options.heartbeatIntervalMs, blockTimeoutMs, onBlocked);
    return () => monitor.stop();
  }

  watchMemory(limitMb: number, onExceeded: (usedMb: number) => void): () => void {
    const monitor = new MemoryMonitor(this.#heartbeat, HEARTBEAT_SLOTS.externalMb, this.#options.heartbeatIntervalMs, limitMb, onExceeded);
    return () => monitor.stop();
  }

  async terminate(): Promise<void> {
    if (!this.#exited) {
      this.#host.send({ t: 'terminate', w: this.#w });
      const timer = setTimeout(() => {
        this.#host.kill(`plugin ${JSON.stringify(this.pluginId)} did not end within ${TERMINATE_DEADLINE_MS} ms of terminate`, this.pluginId);
      }, TERMINATE_DEADLINE_MS);
      await this.#exitPromise;
      clearTimeout(timer);
    }
    await this.#exitPromise;
  }

  #finish(info: Parameters<TransportOptions['onExit']>[0]): void {
    if (this.#exited) return;
    this.#exited = true;
    // As in WorkerTransport: release the proxy so its FinalizationRegistry entry lets go.
    this.control[releaseProxy]();
    for (const port of Object.values(this.#ports)) port.close();
    this.#options.onExit(info);
    this.#resolveExit();
  }
}

/** The thread limits a hosted worker is made with (what a spare must match to be taken). */
export function hostedLimits(l: WorkerResourceLimits): HostedWorkerLimits {
  const limits: HostedWorkerLimits = {};
  if (l.maxOldGenerationSizeMb !== undefined) limits.maxOldGenerationSizeMb = l.maxOldGenerationSizeMb;
  if (l.maxYoungGenerationSizeMb !== undefined) limits.maxYoungGenerationSizeMb = l.maxYoungGenerationSizeMb;
  if (l.stackSizeMb !== undefined) limits.stackSizeMb = l.stackSizeMb;
  return limits;
}
