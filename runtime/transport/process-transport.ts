/**
 * A plugin in a child Node process, under Node's permission model with the plugin's
 * grants (permissions/node-flags.ts) and the same gates inside, so hostile code meets
 * an OS process boundary; on Linux with bubblewrap, inside the OS wall too
 * (os-wall.ts: own namespaces, a file system of only its folders, no network unless
 * granted, killed with its parent). Same protocol as a worker; the channels are multiplexed
 * over the IPC channel (structured clone: `serialization: 'advanced'`).
 *
 *   host                                  child (workers/process-child.ts)
 *   spawn node --permission … entry   ──▶
 *                                     ◀──  { t: 'booted' }
 *   { t: 'init', plugin }             ──▶  sandbox, API client, control exposed
 *   { t: 'msg', c: control|api|events, d } ◀──▶ (Comlink / event batches, validated here)
 *   { t: 'ping', n: nonce }           ──▶
 *                                     ◀──  { t: 'beat', n, m: external MB }   (heartbeat)
 *   stdout / stderr lines             ◀──  onOutput
 *
 * Every message from the child is validated: it runs plugin code.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { constants as osConstants } from 'node:os';
import { readFileSync } from 'node:fs';
import { realPath } from '../../sdk/kernel/paths.js';
import { fileURLToPath } from 'node:url';
import { expose, releaseProxy, wrap, type Remote as ComlinkRemote } from 'comlink';
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
import type { TaskBoot } from '../../sdk/kernel/task-protocol.js';
import { apiRequestSchema, childProcessMessageSchema, controlReplySchema } from './wire-schemas.js';
import { limitFlags, permissionFlags } from '../permissions/node-flags.js';
import { nearestPackageJson, sandboxedPid, wallArgs, type OsWall } from './os-wall.js';
import { splitLines } from '../limits/line-splitter.js';
import { HeartbeatMonitor, MemoryMonitor } from '../supervisor/heartbeat-monitor.js';
import { killWithHost } from '../supervisor/host-watchdog.js';
import { freshViews } from '../../sdk/kernel/fresh-views.js';
import type { ExitInfo, PluginTransport, TransportOptions } from './types.js';

// The bundled entry (build/bundle-workers.mjs).
export const PROCESS_ENTRY = fileURLToPath(new URL('../../workers/bundle/process-child.js', import.meta.url));
// The child reads the plugin side only: workers/ here, sdk/ and its packages via moduleDirs.
const WORKERS_DIST = fileURLToPath(new URL('../../workers/', import.meta.url));
const MAX_LINE_BYTES = 8_192;
/** Node itself, its code and stacks, on top of the heap and external limits (host-measured backstop). */
const PROCESS_BASELINE_MB = 160;

export interface ProcessLaunch {
  command: string;
  args: string[];
  /** Only the granted variables: the process's real environment is what Node's report and /proc show. */
  env: Record<string, string>;
  /** Inside the OS wall (bwrap): the host's child is bwrap, not Node. */
  walled: boolean;
}

/**
 * How a process of a process-isolated plugin starts: Node under the permission model
 * with the plugin's grants and limits, inside the OS wall where there is one. The
 * plugin's own process runs `entry` = process-child; its task process
 * (task-process.ts) runs the plugin-host entry under the same flags and wall, reading
 * `extraDirs` too.
 */
export function processLaunch(boot: Pick<TaskBoot, 'sandbox' | 'dataDir'>, limits: TransportOptions['limits'], wall: OsWall, entry: string, extraDirs: readonly string[] = []): ProcessLaunch {
  const sandbox = boot.sandbox;
  const codeDir = sandbox.codeDir;
  const runtimeDirs = [WORKERS_DIST, ...sandbox.moduleDirs, ...extraDirs];
  const flags = [
    ...permissionFlags(sandbox.grant, { codeDir, dataDir: boot.dataDir, runtimeDirs }),
    ...limitFlags(limits),
    '--enable-source-maps',
    '--disable-warning=ExperimentalWarning',
    // Node warns about --allow-worker, which we pass knowingly (see node-flags.ts).
    '--disable-warning=SecurityWarning',
  ];
  const walled = wall.available && wall.bwrap !== undefined;
  const node = realPath(process.execPath, true);
  const command = walled ? wall.bwrap! : process.execPath;
  const args = walled
    ? [...wallArgs(wall, {
      grant: sandbox.grant,
      codeDir,
      dataDir: boot.dataDir,
      // Node decides a .js file's module type from the nearest package.json, which may lie above a folder.
      runtimeDirs: [...runtimeDirs, ...nearestPackageJson([codeDir, ...runtimeDirs])],
      hidden: sandbox.hidden ?? [],
      commands: Object.values(sandbox.commands),
    }), node, ...flags, entry]
    : [...flags, entry];
  return { command, args, env: sandbox.env, walled };
}

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

  /** The pid of the Node process itself (under the wall, bwrap's child), once booted. */
  #nodePid: number | undefined;
  #pingTimer: NodeJS.Timeout | undefined;
  #nonce = 0;
  #writesAtPing: number | undefined;
  #unverifiedBeats = 0;
  readonly #walled: boolean;

  constructor(options: TransportOptions, wall: OsWall = { available: false }) {
    const boot = options.boot;
    this.#heartbeatIntervalMs = options.heartbeatIntervalMs;
    this.#limits = options.limits;
    const launch = processLaunch(boot, options.limits, wall, PROCESS_ENTRY);
    this.#walled = launch.walled;
    const { command, args } = launch;
    // bwrap passes its open descriptors on, the IPC channel (fd 3, NODE_CHANNEL_FD) included.
    this.#child = spawn(command, args, {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // Only the granted variables: the process's real environment is what Node's report and /proc show.
      env: launch.env,
      windowsHide: true,
    });
    const child = this.#child;
    // Under the wall bwrap's --die-with-parent ends it with the host; otherwise a blocked
    // child would outlive a host killed by SIGKILL (its IPC channel's end goes unheard).
    if (!this.#walled) killWithHost(child, { group: false });
    this.#ports = Object.fromEntries(CHANNELS.map((c) => [c, new ChannelPort((d) => this.#send({ t: 'msg', c, d }))])) as Record<ChannelName, ChannelPort>;
    this.events = this.#ports.events;

    let error: Error | undefined;
    child.once('error', (e) => {
      error = e;
    });
    this.#exitPromise = new Promise((resolve) => {
      child.once('exit', (code, signal) => {
        this.#exited = true;
        clearInterval(this.#pingTimer);
        // Comlink keeps the proxy's endpoint in a FinalizationRegistry, and the ports'
        // listeners reach back to the controller: release both, or each cycle stays in the heap.
        (this.control as unknown as ComlinkRemote<PluginControl>)[releaseProxy]();
        for (const port of Object.values(this.#ports)) port.close();
        const exitCode = code ?? 1;
        // A signal is what ended it, not an exit code (which Node reports as null then).
        // Under the wall the host's child is bwrap, which turns its child's death by
        // signal N into exit code 128 + N: read it back as the signal.
        if (!signal && this.#walled) signal = signalOfWallExit(code);
        const outOfMemory = (error as { code?: unknown } | undefined)?.code === 'ERR_WORKER_OUT_OF_MEMORY';
        const info: ExitInfo = signal && !outOfMemory ? { code: exitCode, reason: `was killed by ${signal}` } : { code: exitCode };
        if (error) info.error = error;
        options.onExit(info);
        resolve();
      });
    });
    // Byte-capped like a worker's output (runtime/limits/line-splitter.ts): readline would hold a line without end.
    const maxLine = options.maxLineBytes ?? MAX_LINE_BYTES;
    splitLines(child.stdout, maxLine, (line) => options.onOutput('stdout', line));
    splitLines(child.stderr, maxLine, (line) => {
      if (line.includes('JavaScript heap out of memory') && !error) {
        error = Object.assign(new Error(line.trim()), { code: 'ERR_WORKER_OUT_OF_MEMORY' });
      }
      options.onOutput('stderr', line);
    });

    child.on('message', (raw: unknown) => {
      // Typed arrays the channel decoded are views over its read buffer: copied out first.
      const parsed = childProcessMessageSchema.safeParse(freshViews(raw));
      if (!parsed.success) {
        options.onProtocolViolation('a message on the IPC channel that is not part of the protocol');
        return;
      }
      const message = parsed.data;
      switch (message.t) {
        case 'booted':
          if (this.#booted) return;
          this.#booted = true;
          this.#nodePid = this.#walled && child.pid !== undefined ? sandboxedPid(child.pid) : child.pid;
          this.#sendNow({ t: 'init', protocol: PROTOCOL_VERSION, plugin: boot, heartbeatIntervalMs: options.heartbeatIntervalMs });
          for (const queued of this.#queue.splice(0)) this.#sendNow(queued);
          this.#startPings();
          return;
        case 'beat':
          if (!this.#acceptBeat(message.n)) return;
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

  /** The plugin's Node process as the host sees it (inside the wall it calls itself pid 1). */
  get pid(): number | undefined {
    return this.#nodePid ?? (this.#walled ? undefined : this.#child.pid);
  }

  /** Whether the child runs inside the OS wall. */
  get walled(): boolean {
    return this.#walled;
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
    // Resident memory covers every thread of the process, the plugin's nested workers included.
    const timer = setInterval(() => {
      const pid = this.pid;
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

  /**
   * Liveness the child cannot forge from another thread: each interval the host sends a
   * fresh nonce, and a beat counts only when it carries that nonce and (where /proc shows
   * it) the child's main thread made a write system call since the ping: the beat is
   * written by the main thread's event loop, so a thread of the plugin that read the
   * nonce off the IPC descriptor and answered for a blocked main thread is not counted.
   */
  #startPings(): void {
    const ping = () => {
      if (this.#exited) return;
      this.#nonce = randomInt(1, 2 ** 31 - 1);
      this.#writesAtPing = this.pid === undefined ? undefined : mainThreadWrites(this.pid);
      this.#sendNow({ t: 'ping', n: this.#nonce });
    };
    this.#pingTimer = setInterval(ping, this.#heartbeatIntervalMs);
    this.#pingTimer.unref();
    ping();
  }

  #acceptBeat(nonce: number): boolean {
    if (nonce !== this.#nonce || this.#nonce === 0) return false;
    this.#nonce = 0; // one beat per ping
    const before = this.#writesAtPing;
    const after = this.pid === undefined ? undefined : mainThreadWrites(this.pid);
    if (before !== undefined && after !== undefined && after <= before) {
      this.#unverifiedBeats++;
      return false;
    }
    return true;
  }

  /** Beats that carried the nonce but were not written by the child's main thread. */
  get unverifiedBeats(): number {
    return this.#unverifiedBeats;
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

/** Write system calls made so far by the main thread of `pid` (its tid is the pid), from /proc; undefined where unreadable. */
function mainThreadWrites(pid: number): number | undefined {
  try {
    const match = /^syscw:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/task/${pid}/io`, 'utf8'));
    return match ? Number(match[1]) : undefined;
  } catch {
    return undefined; // not Linux, no task accounting, or the process is gone
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

/** bwrap exits with 128 + the signal that killed its child; anything else is an exit code. */
function signalOfWallExit(code: number | null): NodeJS.Signals | null {
  if (code === null || code <= 128) return null;
  const number = code - 128;
  const name = Object.entries(osConstants.signals).find(([, n]) => n === number)?.[0];
  return (name as NodeJS.Signals | undefined) ?? null;
}
