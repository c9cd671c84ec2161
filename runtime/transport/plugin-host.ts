/**
 * Plugin-host processes (runtime option `workerHost: "plugin-host"`): worker-tier plugins'
 * threads run in a supervised child process (workers/plugin-host-process.ts) instead of
 * the embedding application's process, the model of VS Code's extension host. V8 cannot
 * contain every failure inside a worker: a fatal out-of-memory aborts the whole process
 * (nodejs/node#47224). Here such an abort ends the plugin-host process; every plugin in
 * it is reported as exited with the reason, the supervisor restarts each with its backoff
 * in a NEW plugin-host process, and the application goes on.
 *
 * One shared process per runtime, started on first use. A plugin that took a shared
 * process down is moved into a process of its own on restart, so a repeat offender
 * cannot take the others down again: the plugin named as the likely cause (its heap near
 * its limit, or else the only one busy at the end), or, when none can be named, any
 * plugin that was in two shared processes that died.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants as osConstants } from 'node:os';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { PLUGIN_HOST_PROTOCOL, type HostedWorkerLimits, type PluginHostCommand, type PluginHostReport } from '../../sdk/kernel/plugin-host-protocol.js';
import { pluginHostReportSchema } from './plugin-host-schemas.js';
import { killWithHost } from '../supervisor/host-watchdog.js';
import { freshViews } from '../../sdk/kernel/fresh-views.js';

// The bundled entry (build/bundle-workers.mjs).
export const PLUGIN_HOST_ENTRY = fileURLToPath(new URL('../../workers/bundle/plugin-host-process.js', import.meta.url));

/** A worker's or task pool's side of a plugin-host process: what HostedWorkerTransport and HostedTaskPool implement. */
export interface HostedMember {
  readonly pluginId: string;
  /** A report for this member (a channel message, beat, output line or its exit; a task's progress or result). */
  deliver(report: Exclude<PluginHostReport, { t: 'ready' }>): void;
  /** The plugin-host process is gone, and the worker (or task threads) with it. */
  hostDied(reason: string): void;
  /** Latest host-side measurements, to name the likely cause of an abort. */
  readonly heap: [number, number] | undefined;
  readonly utilisation: number;
  /** What heap and utilisation were measured on, when not the worker's own loop (e.g. "its busiest task thread"). */
  readonly measuredOn?: string;
}

/** Heap use, as a share of the limit, from which a plugin is named as the likely cause of an abort. */
const NEAR_HEAP_LIMIT = 0.7;
/** Event-loop utilisation from which a plugin counts as busy when its heap cannot be read. */
const BUSY = 0.9;
/** Shared-process deaths a plugin may be in, with no cause named, before it is isolated. */
const STRIKES_BEFORE_ISOLATION = 2;
/** How long close() waits for a plugin-host process to end on its own before killing it. */
const CLOSE_GRACE_MS = 2_000;
/** How long a death report waits for the rest of the process's stderr (the fatal line). */
const STDERR_FLUSH_MS = 500;

let sequence = 0;

/** How a PluginHostProcess starts when it is not the runtime's own plugin-host process. */
export interface PluginHostLaunch {
  command: string;
  args: string[];
  env: Record<string, string>;
  /** Started inside the OS wall: bwrap reports its child's death by signal N as exit code 128 + N. */
  walled: boolean;
  /** What it is, in the death log (e.g. "task process"), and what follows a death. */
  role: string;
  afterDeath: string;
}

type DeathListener = (host: PluginHostProcess, members: HostedMember[], reason: string, culprit?: string) => void;

export class PluginHostProcess {
  readonly label: string;
  readonly #child: ChildProcess;
  readonly #logger: Logger;
  readonly #members = new Map<string, HostedMember>();
  readonly #queue: PluginHostCommand[] = [];
  readonly #onDeath: DeathListener;
  /** Lines of V8's or Node's fatal report on the process's stderr. */
  #fatal: string | undefined;
  #ready = false;
  #dead = false;
  /** Why the runtime killed the process, and which plugin made it, when it did. */
  #killedBecause: string | undefined;
  #culprit: string | undefined;
  readonly #readyWaiters: Array<() => void> = [];
  /** Spares booted in the process (its `warm` reports), and whoever waits for enough of them. */
  #warm = 0;
  #sparesGaveUp = false;
  readonly #warmWaiters: Array<{ n: number; resolve: () => void }> = [];
  readonly #closed: Promise<void>;
  readonly #launch: PluginHostLaunch | undefined;

  /**
   * `launch`: how to start it when not as the runtime's own plugin-host process (a
   * process-isolated plugin's task process starts the same entry under that plugin's
   * permission flags and OS wall, task-process.ts).
   */
  constructor(label: string, logger: Logger, onDeath: DeathListener, launch?: PluginHostLaunch) {
    this.label = label;
    this.#launch = launch;
    this.#logger = logger;
    this.#onDeath = onDeath;
    this.#child = spawn(launch?.command ?? process.execPath, launch?.args ?? ['--enable-source-maps', PLUGIN_HOST_ENTRY], {
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
      serialization: 'advanced',
      // The workers get an empty environment anyway (their grants set what they see).
      env: launch?.env ?? {},
      windowsHide: true,
    });
    const child = this.#child;
    // A thread stuck in a system call holds a process's exit; the watchdog SIGKILLs it
    // when the application is gone, however it ended.
    killWithHost(child, { group: false });
    let spawnError: Error | undefined;
    // Its stderr may still hold the fatal report when 'exit' comes; 'close' would wait
    // for it but does not come after a disconnect, so: 'exit', then stderr's end (bounded).
    const stderrEnded = new Promise<void>((resolve) => {
      if (!child.stderr) resolve();
      child.stderr?.once('close', resolve);
      child.stderr?.once('end', resolve);
    });
    this.#closed = new Promise((resolve) => {
      let done = false;
      const died = (code: number | null, signal: NodeJS.Signals | null) => {
        if (done) return;
        done = true;
        this.#dead = true;
        let timer: NodeJS.Timeout | undefined;
        const flushed = new Promise<void>((r) => {
          timer = setTimeout(r, STDERR_FLUSH_MS);
        });
        void Promise.race([stderrEnded, flushed]).then(() => {
          clearTimeout(timer);
          // Under the wall the child is bwrap: exit 128 + N is its child's death by signal N.
          this.#died(code, signal ?? (this.#launch?.walled ? signalOfWallExit(code) : null), spawnError);
          resolve();
        });
      };
      child.once('exit', died);
      child.once('error', (error) => {
        spawnError = error;
        // A process that never started emits no 'exit'.
        if (child.pid === undefined) died(null, null);
      });
    });
    // Views in what the channel decoded share its read buffer (other plugins' messages):
    // copied out before anything is handed on. A relayed message's bytes are decoded
    // with fresh views by its transport.
    child.on('message', (raw: unknown) => this.#receive((raw as { t?: unknown } | null)?.t === 'msg' ? raw : freshViews(raw)));
    lines(child.stdout, (line) => this.#logger.info({ pluginHost: this.label }, line));
    lines(child.stderr, (line) => {
      if (/FATAL ERROR|heap out of memory|Fatal (JavaScript|process) out of memory|Fatal error in/i.test(line) && this.#fatal === undefined) this.#fatal = line.trim();
      // Node's own warnings are worth seeing; an abort's GC trace and native stack are
      // noise next to the fatal line, which the death report quotes.
      if (/^\(node:\d+\)/.test(line)) this.#logger.warn({ pluginHost: this.label }, line);
      else this.#logger.debug({ pluginHost: this.label }, line);
    });
    this.#updateRef();
  }

  get dead(): boolean {
    return this.#dead;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  get size(): number {
    return this.#members.size;
  }

  /** Add a worker; `spawn` is the command that starts it. */
  join(w: string, member: HostedMember, command: PluginHostCommand): void {
    this.#members.set(w, member);
    this.#updateRef();
    this.send(command);
  }

  /** The worker has exited or the pool ended (its report arrived): it no longer keeps this process. */
  leave(w: string): void {
    this.#members.delete(w);
    this.#updateRef();
  }

  send(command: PluginHostCommand): void {
    if (this.#dead) return;
    if (!this.#ready) {
      this.#queue.push(command);
      return;
    }
    if (this.#child.connected) this.#child.send(command, (error) => error && undefined);
  }

  /** End the process (its workers with it) and wait until it is gone. */
  async close(): Promise<void> {
    if (!this.#dead) {
      // Whoever awaits this waits for the end: an idle process is unref'd.
      this.#child.ref();
      // It ends itself with a SIGKILL when disconnected (workers/plugin-host-process.ts).
      this.#killedBecause ??= 'the runtime closed';
      // Disconnecting ends it (workers/plugin-host-process.ts); a kill is the backstop.
      if (this.#child.connected) this.#child.disconnect();
      const timer = setTimeout(() => this.#child.kill('SIGKILL'), CLOSE_GRACE_MS);
      await this.#closed;
      clearTimeout(timer);
    }
  }

  /** Kill it now; `because` goes into the reason its plugins are given. */
  kill(because?: string, culprit?: string): void {
    if (this.#dead) return;
    if (this.#killedBecause === undefined) {
      this.#killedBecause = because;
      this.#culprit = culprit;
    }
    this.#child.kill('SIGKILL');
  }

  /** Resolves once the process is ready for workers (or is gone). */
  whenReady(): Promise<void> {
    if (this.#ready || this.#dead) return Promise.resolve();
    return new Promise((resolve) => this.#readyWaiters.push(resolve));
  }

  /** Resolves once `n` spare workers are booted in the process (or it gave up making them, or is gone). */
  whenWarm(n: number): Promise<void> {
    if (this.#warm >= n || this.#sparesGaveUp || this.#dead) return Promise.resolve();
    return new Promise((resolve) => this.#warmWaiters.push({ n, resolve }));
  }

  #settleWarmWaiters(): void {
    for (let i = this.#warmWaiters.length - 1; i >= 0; i--) {
      const waiter = this.#warmWaiters[i]!;
      if (this.#warm >= waiter.n || this.#sparesGaveUp || this.#dead) {
        this.#warmWaiters.splice(i, 1);
        waiter.resolve();
      }
    }
  }

  #receive(raw: unknown): void {
    const parsed = pluginHostReportSchema.safeParse(raw);
    if (!parsed.success) {
      this.#logger.warn({ pluginHost: this.label }, 'the plugin-host process sent a message that is not part of its protocol; dropped');
      return;
    }
    const report = parsed.data as PluginHostReport;
    if (report.t === 'ready') {
      if (report.protocol !== PLUGIN_HOST_PROTOCOL) {
        this.#logger.error({ pluginHost: this.label }, `the plugin-host process speaks protocol ${report.protocol}, not ${PLUGIN_HOST_PROTOCOL}`);
        this.kill('it speaks another protocol');
        return;
      }
      this.#ready = true;
      for (const resolve of this.#readyWaiters.splice(0)) resolve();
      this.#updateRef();
      for (const command of this.#queue.splice(0)) this.send(command);
      return;
    }
    if (report.t === 'warm') {
      this.#warm = report.n;
      if (report.gaveUp && !this.#sparesGaveUp) this.#logger.error({ pluginHost: this.label }, 'spare plugin workers failed to boot three times in a row; no more are made');
      this.#sparesGaveUp = report.gaveUp;
      if (report.took !== undefined) this.#logger.debug({ pluginHost: this.label, worker: report.took }, 'plugin worker started from a warm spare');
      this.#settleWarmWaiters();
      return;
    }
    const member = this.#members.get(report.w);
    if (!member) return;
    if (report.t === 'exit' || report.t === 'pool-ended') this.leave(report.w);
    member.deliver(report);
  }

  #died(code: number | null, signal: NodeJS.Signals | null, spawnError: Error | undefined): void {
    this.#dead = true;
    const members = [...this.#members.values()];
    this.#members.clear();
    this.#queue.length = 0;
    for (const resolve of this.#readyWaiters.splice(0)) resolve();
    this.#settleWarmWaiters();
    const how = this.#killedBecause ? `was killed by Paddock because ${this.#killedBecause}` : describeDeath(code, signal, this.#fatal, spawnError);
    const afterDeath = this.#launch?.afterDeath ?? `its ${members.length} plugin(s) are restarted in a new one`;
    if (members.length) this.#logger.error({ pluginHost: this.label, pid: this.#child.pid, code, signal }, `${this.#launch?.role ?? 'plugin-host process'} ${how}; ${afterDeath}`);
    this.#onDeath(this, members, how, this.#culprit);
  }

  /** An idle plugin-host process does not keep the application alive; one running plugins does, like a worker. */
  #updateRef(): void {
    const channel = this.#child.channel as { ref?: () => void; unref?: () => void } | null | undefined;
    if (this.#members.size > 0 || !this.#ready) {
      this.#child.ref();
      channel?.ref?.();
    } else {
      this.#child.unref();
      channel?.unref?.();
    }
  }
}

/**
 * The plugin-host processes of one runtime: the shared one, and one per isolated plugin.
 */
export class PluginHostPool {
  readonly #logger: Logger;
  /** Booted workers the shared process keeps ready (runtime option spareWorkers), with the limits they are made with. */
  readonly #spares: { n: number; limits: HostedWorkerLimits } | undefined;
  #shared: PluginHostProcess | undefined;
  readonly #own = new Map<string, PluginHostProcess>();
  readonly #isolated = new Set<string>();
  readonly #strikes = new Map<string, number>();
  #closed = false;

  constructor(logger: Logger, spares?: { n: number; limits: HostedWorkerLimits }) {
    this.#logger = logger.child({ component: 'plugin-host' });
    this.#spares = spares && spares.n > 0 ? spares : undefined;
  }

  /** Plugin ids that run in a plugin-host process of their own after taking a shared one down. */
  get isolated(): ReadonlySet<string> {
    return this.#isolated;
  }

  /** The plugin-host process a new worker of `pluginId` goes to (started if need be). */
  hostFor(pluginId: string): PluginHostProcess {
    if (this.#closed) throw new Error('the runtime is closing: no plugin-host process starts');
    if (this.#isolated.has(pluginId)) {
      let own = this.#own.get(pluginId);
      if (!own || own.dead) {
        own = new PluginHostProcess(`${pluginId} (isolated) #${++sequence}`, this.#logger, (host, members, reason, culprit) => this.#onDeath(host, members, reason, culprit));
        this.#own.set(pluginId, own);
      }
      return own;
    }
    return this.#sharedHost();
  }

  /** The shared process, started (with its spares) if need be. */
  #sharedHost(): PluginHostProcess {
    if (!this.#shared || this.#shared.dead) {
      this.#shared = new PluginHostProcess(`shared #${++sequence}`, this.#logger, (host, members, reason, culprit) => this.#onDeath(host, members, reason, culprit));
      if (this.#spares) this.#shared.send({ t: 'spares', n: this.#spares.n, limits: this.#spares.limits });
    }
    return this.#shared;
  }

  /** Start the shared plugin-host process ahead of the first plugin, and wait for its spares (runtime.warmUp()). */
  async warm(): Promise<void> {
    if (this.#closed) return;
    const shared = this.#sharedHost();
    await shared.whenReady();
    if (this.#spares) await shared.whenWarm(this.#spares.n);
  }

  /** A worker or task pool in `host` ended: an isolated plugin's process ends with the last (a restart starts a fresh one). */
  released(host: PluginHostProcess): void {
    if (host !== this.#shared && host.size === 0 && !host.dead) {
      for (const [id, own] of this.#own) if (own === host) this.#own.delete(id);
      void host.close();
    }
  }

  /** The processes alive now (tests, diagnostics). */
  processes(): PluginHostProcess[] {
    return [this.#shared, ...this.#own.values()].filter((h): h is PluginHostProcess => h !== undefined && !h.dead);
  }

  async close(): Promise<void> {
    this.#closed = true;
    const hosts = this.processes();
    this.#shared = undefined;
    this.#own.clear();
    await Promise.all(hosts.map((h) => h.close()));
  }

  #onDeath(host: PluginHostProcess, members: HostedMember[], how: string, culprit: string | undefined): void {
    if (host === this.#shared) this.#shared = undefined;
    for (const [id, own] of this.#own) if (own === host) this.#own.delete(id);
    const shared = new Set(members.map((m) => m.pluginId)).size > 1;
    const suspects = !shared ? [] : culprit !== undefined ? members.filter((m) => m.pluginId === culprit).slice(0, 1) : likelyCause(members);
    if (shared && !this.#closed) {
      if (suspects.length) {
        for (const suspect of suspects) this.#isolate(suspect.pluginId, 'named as the likely cause');
      } else {
        for (const member of members) {
          const strikes = (this.#strikes.get(member.pluginId) ?? 0) + 1;
          this.#strikes.set(member.pluginId, strikes);
          if (strikes >= STRIKES_BEFORE_ISOLATION) this.#isolate(member.pluginId, `in ${strikes} shared plugin-host processes that died`);
        }
      }
    }
    const named = suspects.map((s) => s.pluginId);
    for (const member of members) {
      let reason = `ended with its plugin-host process, which ${how}`;
      const suspect = suspects.find((s) => s.pluginId === member.pluginId);
      if (suspect) reason += `; this plugin is the ${culprit === undefined ? `likely cause (${evidence(suspect)})` : 'cause'} and restarts in a plugin-host process of its own`;
      else if (named.length) reason += `; likely caused by plugin ${named.map((n) => JSON.stringify(n)).join(', ')}`;
      member.hostDied(reason);
    }
  }

  #isolate(pluginId: string, why: string): void {
    if (this.#isolated.has(pluginId)) return;
    this.#isolated.add(pluginId);
    this.#logger.warn({ plugin: pluginId }, `plugin isolated in a plugin-host process of its own (${why})`);
  }
}

/**
 * The plugins that most likely aborted a shared process: heap near its limit, else the
 * only busy one. A plugin's worker and its task pool are two members with its id: busy
 * together they are still one plugin.
 */
function likelyCause(members: HostedMember[]): HostedMember[] {
  const ratio = (m: HostedMember) => (m.heap && m.heap[1] > 0 ? m.heap[0] / m.heap[1] : 0);
  const nearLimit = members.filter((m) => ratio(m) >= NEAR_HEAP_LIMIT).sort((a, b) => ratio(b) - ratio(a));
  if (nearLimit.length) return [nearLimit[0]!];
  const busy = members.filter((m) => m.utilisation >= BUSY).sort((a, b) => b.utilisation - a.utilisation);
  return new Set(busy.map((m) => m.pluginId)).size === 1 ? busy.slice(0, 1) : [];
}

function evidence(member: HostedMember): string {
  const what = member.measuredOn ?? 'its event loop';
  const busy = `${what} was ${Math.round(member.utilisation * 100)}% busy`;
  return member.heap ? `${busy}, ${member.measuredOn === undefined ? 'its heap' : 'that thread\'s heap'} held ${member.heap[0]} of ${member.heap[1]} MB` : busy;
}

function describeDeath(code: number | null, signal: NodeJS.Signals | null, fatal: string | undefined, spawnError: Error | undefined): string {
  if (spawnError && code === null && signal === null) return `could not start: ${spawnError.message}`;
  const oom = fatal !== undefined && /out of memory|heap limit|Allocation failed/i.test(fatal);
  // As the namespace's pid 1 (the OS wall) a process cannot signal itself: V8's abort()
  // ends in SIGSEGV there. The fatal line says what happened.
  if (oom && signal === 'SIGSEGV') return `aborted: V8 fatal out of memory (${fatal})`;
  if (signal === 'SIGABRT' || code === 134) {
    return oom ? `aborted: V8 fatal out of memory (${fatal})` : `aborted${fatal ? `: ${fatal}` : ' (SIGABRT)'}`;
  }
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code}${fatal ? ` (${fatal})` : ''}`;
}

function signalOfWallExit(code: number | null): NodeJS.Signals | null {
  if (code === null || code <= 128) return null;
  const name = Object.entries(osConstants.signals).find(([, n]) => n === code - 128)?.[0];
  return (name as NodeJS.Signals | undefined) ?? null;
}

function lines(stream: NodeJS.ReadableStream | null | undefined, onLine: (line: string) => void): void {
  if (!stream) return;
  createInterface({ input: stream, crlfDelay: Infinity }).on('line', (line) => onLine(line.length > 8_192 ? `${line.slice(0, 8_192)}… (${line.length} chars)` : line));
}
