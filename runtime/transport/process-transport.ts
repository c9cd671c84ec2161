/**
 * A plugin in a child Node process, under Node's permission model with the plugin's
 * grants (permissions/node-flags.ts) and the same gates inside, so hostile code meets
 * an OS process boundary. Same protocol as a worker; the channels are multiplexed
 * over the IPC channel (structured clone: `serialization: 'advanced'`).
 *
 *   host                                  child (workers/process-child.ts)
 *   spawn node --permission … entry   ──▶
 *                                     ◀──  { t: 'booted' }
 *   { t: 'init', plugin }             ──▶  sandbox, API client, control exposed
 *   { t: 'msg', c: control|api|events, d } ◀──▶ (Comlink / event batches, validated here)
 *                                     ◀──  { t: 'beat', m: external MB }   (heartbeat)
 *   stdout / stderr lines             ◀──  onOutput
 *
 * Every message from the child is validated: it runs plugin code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import { expose, wrap } from 'comlink';
import type { Remote } from '../../sdk/kernel/remote.js';
import { portEndpoint } from '../../sdk/kernel/port-endpoint.js';
import { ChannelPort } from '../../sdk/kernel/channel-port.js';
import {
  CHANNELS,
  HEARTBEAT_SLOTS,
  PROTOCOL_VERSION,
  type ChannelName,
  type HostProcessMessage,
  type PluginControl,
} from '../../sdk/kernel/protocol.js';
import { apiRequestSchema, childProcessMessageSchema, controlReplySchema } from './wire-schemas.js';
import type { PermissionGrant, SandboxExtras } from '../../sdk/kernel/sandbox-data.js';
import { limitFlags, permissionFlags } from '../permissions/node-flags.js';
import { HeartbeatMonitor, MemoryMonitor } from '../supervisor/heartbeat-monitor.js';
import type { PluginTransport, TransportOptions } from './types.js';

export const PROCESS_ENTRY = fileURLToPath(new URL('../../workers/process-child.js', import.meta.url));
// The child reads the plugin side only: workers/ here, sdk/ and its packages via moduleDirs.
const WORKERS_DIST = fileURLToPath(new URL('../../workers/', import.meta.url));
const MAX_LINE = 8_192;
/** Node itself, its code and stacks, on top of the heap and external limits (host-measured backstop). */
const PROCESS_BASELINE_MB = 160;

export class ProcessTransport implements PluginTransport {
  readonly kind = 'process';
  readonly control: Remote<PluginControl>;
  readonly events: ChannelPort;
  readonly #child: ChildProcess;
  readonly #ports: Record<ChannelName, ChannelPort>;
  /** [beats received, external MB reported]: read by the same monitors as a worker's shared buffer. */
  readonly #heartbeat = new Int32Array(2);
  readonly #heartbeatIntervalMs: number;
  readonly #limits: TransportOptions['limits'];
  #booted = false;
  readonly #queue: HostProcessMessage[] = [];
  #exited = false;
  readonly #exitPromise: Promise<void>;

  constructor(options: TransportOptions) {
    const boot = options.boot;
    const extensions = boot.extensions ?? {};
    const grant = extensions.permissions as PermissionGrant;
    const extras = extensions.sandbox as SandboxExtras;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs;
    this.#limits = options.limits;
    const flags = [
      ...permissionFlags(grant, {
        codeDir: String(extensions.codeDir),
        dataDir: boot.dataDir,
        runtimeDirs: [WORKERS_DIST, ...extras.moduleDirs, ...(Array.isArray(extensions.moduleDirs) ? extensions.moduleDirs as string[] : [])],
      }),
      ...limitFlags(options.limits),
      '--enable-source-maps',
      '--disable-warning=ExperimentalWarning',
      // Node warns about --allow-worker, which we pass knowingly (see node-flags.ts).
      '--disable-warning=SecurityWarning',
    ];
    this.#child = spawn(process.execPath, [...flags, PROCESS_ENTRY], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Only the granted variables: the process's real environment is what Node's report and /proc show.
      env: extras.env,
      windowsHide: true,
    });
    const child = this.#child;
    this.#ports = Object.fromEntries(CHANNELS.map((c) => [c, new ChannelPort((d) => this.#send({ t: 'msg', c, d }))])) as Record<ChannelName, ChannelPort>;
    this.events = this.#ports.events;

    let error: Error | undefined;
    child.once('error', (e) => {
      error = e;
    });
    this.#exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exited = true;
        for (const port of Object.values(this.#ports)) port.close();
        const exitCode = code ?? 1;
        if (!error && signal && signal !== 'SIGKILL') error = new Error(`killed by ${signal}`);
        options.onExit(error === undefined ? { code: exitCode } : { code: exitCode, error });
        resolve();
      });
    });
    pipeLines(child.stdout, (line) => options.onOutput('stdout', line));
    pipeLines(child.stderr, (line) => {
      if (line.includes('JavaScript heap out of memory') && !error) {
        error = Object.assign(new Error(line.trim()), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
      }
      options.onOutput('stderr', line);
    });

    child.on('message', (raw: unknown) => {
      const parsed = childProcessMessageSchema.safeParse(raw);
      if (!parsed.success) {
        options.onProtocolViolation('a message on the IPC channel that is not part of the protocol');
        return;
      }
      const message = parsed.data;
      switch (message.t) {
        case 'booted':
          if (this.#booted) return;
          this.#booted = true;
          this.#sendNow({ t: 'init', protocol: PROTOCOL_VERSION, plugin: boot, heartbeatIntervalMs: options.heartbeatIntervalMs });
          for (const queued of this.#queue.splice(0)) this.#sendNow(queued);
          return;
        case 'beat':
          Atomics.add(this.#heartbeat, HEARTBEAT_SLOTS.beat, 1);
          Atomics.store(this.#heartbeat, HEARTBEAT_SLOTS.externalMb, Math.min(message.m, 2 ** 31 - 1));
          return;
        case 'msg':
          this.#ports[message.c].deliver(message.d);
          return;
        default: {
          const never: never = message;
          options.onProtocolViolation(`an unknown message ${JSON.stringify(never)}`);
        }
      }
    });

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
  }

  get exited(): boolean {
    return this.#exited;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  watchLiveness(blockTimeoutMs: number, onBlocked: (blockedMs: number) => void): () => void {
    const monitor = new HeartbeatMonitor(this.#heartbeat, this.#heartbeatIntervalMs, blockTimeoutMs, onBlocked);
    return () => monitor.stop();
  }

  /**
   * The child reports its external memory with each beat; since plugin code in that
   * process could forge reports, the host also reads the child's resident memory
   * itself (Linux) and stops it past heap + external limits + a baseline.
   */
  watchMemory(limitMb: number, onExceeded: (usedMb: number) => void): () => void {
    const reported = new MemoryMonitor(this.#heartbeat, HEARTBEAT_SLOTS.externalMb, this.#heartbeatIntervalMs, limitMb, onExceeded);
    const heap = (this.#limits.maxOldGenerationSizeMb ?? 4_096) + (this.#limits.maxYoungGenerationSizeMb ?? 64);
    const bound = heap + limitMb + PROCESS_BASELINE_MB;
    const pid = this.#child.pid;
    const timer = setInterval(() => {
      const rss = pid === undefined || this.#exited ? undefined : residentMb(pid);
      if (rss !== undefined && rss > bound) {
        clearInterval(timer);
        reported.stop();
        onExceeded(rss - heap - PROCESS_BASELINE_MB);
      }
    }, this.#heartbeatIntervalMs);
    timer.unref();
    return () => {
      reported.stop();
      clearInterval(timer);
    };
  }

  async terminate(): Promise<void> {
    if (!this.#exited) this.#child.kill('SIGKILL');
    await this.#exitPromise;
  }

  #send(message: HostProcessMessage): void {
    if (this.#booted) this.#sendNow(message);
    else this.#queue.push(message);
  }

  #sendNow(message: HostProcessMessage): void {
    if (this.#exited || !this.#child.connected) return;
    // A failed send means the child is gone; its exit rejects the calls in flight.
    this.#child.send(message, (error) => error && undefined);
  }
}

/** Resident memory of `pid` in MB, from /proc (undefined where there is none). */
function residentMb(pid: number): number | undefined {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(status);
    return match ? Math.round(Number(match[1]) / 1024) : undefined;
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}

function pipeLines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  const lines = createInterface({ input: stream, crlfDelay: Infinity });
  lines.on('line', (line) => onLine(line.length > MAX_LINE ? `${line.slice(0, MAX_LINE)}… (${line.length} chars)` : line));
}
