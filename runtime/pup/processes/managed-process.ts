/**
 * One supervised child process: spawn it, pass its output on line by line, keep its
 * status in Pup's terms, stop it with SIGTERM (after Pup's `terminateGracePeriod`) and,
 * after the stop timeout, SIGKILL; stop it once it ran `timeout` seconds. When to start
 * and restart is the supervisor's business (supervisor.ts).
 *
 * With `overrun`, a start while the process runs begins a new run (Pup's cron overrun):
 * the earlier child keeps running untracked by the status until it exits, and is still
 * stopped and killed with the process.
 *
 *   CREATED ─start─▶ STARTING ─spawned─▶ RUNNING ─┬─ exit 0, or stopped on purpose ─▶ FINISHED
 *                       │                         └─ exit ≠ 0, or killed by a signal ─▶ ERRORED
 *                       └─ cannot spawn ───────────────────────────────────────────▶ ERRORED
 *   EXHAUSTED: the supervisor refused a restart past `restartLimit`.
 *
 * On POSIX the child leads its own process group, so stopping a shell command line
 * (`cmd` as a string) also stops what the shell started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { delimiter, resolve } from 'node:path';
import { createInterface } from 'node:readline';
import type { LogSeverity } from '../../index.js';
import {
  ApiProcessState,
  type ApiProcessConfiguration,
  type ApiProcessData,
  type ApiProcessInformation,
  type ApiProcessStateChangedEvent,
  type ApiTelemetryData,
} from '../../../sdk/kernel/pup-api-definitions.js';
import type { ProcessConfig } from '../config.js';

export const DEFAULT_STOP_TIMEOUT_MS = 5_000;

/** What the host config decides for the process beyond its own entry. */
export interface ProcessTiming {
  /** SIGKILL this long after SIGTERM. */
  stopTimeoutMs: number;
  /** Wait this long before sending SIGTERM (Pup's terminateGracePeriod). */
  graceMs: number;
}

export interface ProcessHooks {
  status(change: ApiProcessStateChangedEvent): void;
  output(processId: string, stream: 'stdout' | 'stderr', line: string): void;
  log(severity: LogSeverity, processId: string, text: string): void;
  /** The process exited; `onPurpose` when stop() asked it to. */
  exited(process: ManagedProcess, onPurpose: boolean): void;
}

const POSIX = process.platform !== 'win32';

export class ManagedProcess {
  readonly config: ProcessConfig;
  readonly id: string;
  readonly cwd: string;
  readonly #hooks: ProcessHooks;
  #state = ApiProcessState.CREATED;
  #child: ChildProcess | undefined;
  #pid: number | undefined;
  #code: number | undefined;
  #signal: string | undefined;
  #started: Date | undefined;
  #exited: Date | undefined;
  #updated = new Date();
  #blocked = false;
  #restarts = 0;
  #stopRequested = false;
  #exitWaiters: Array<() => void> = [];
  #timeoutTimer: NodeJS.Timeout | undefined;
  /** Earlier runs still going (overrun). */
  readonly #overrun = new Set<ChildProcess>();
  #telemetry: ApiTelemetryData | undefined;
  readonly #timing: ProcessTiming;
  /** Set by a restart request; the supervisor starts the process again once it has exited. */
  pendingRestartReason: string | undefined;

  constructor(config: ProcessConfig, baseDir: string, hooks: ProcessHooks, timing: ProcessTiming = { stopTimeoutMs: DEFAULT_STOP_TIMEOUT_MS, graceMs: 0 }) {
    this.config = config;
    this.id = config.id;
    this.cwd = resolve(baseDir, config.cwd ?? '.');
    this.#hooks = hooks;
    this.#timing = timing;
  }

  get state(): ApiProcessState {
    return this.#state;
  }

  get running(): boolean {
    return this.#child !== undefined;
  }

  get blocked(): boolean {
    return this.#blocked;
  }

  get restarts(): number {
    return this.#restarts;
  }

  /** A new cron run or a watched change starts the restart count afresh, as in Pup. */
  resetRestarts(): void {
    this.#restarts = 0;
  }

  /** Telemetry the process reported (Pup's /telemetry); shown in its status until it restarts. */
  setTelemetry(data: ApiTelemetryData): void {
    this.#telemetry = data;
  }

  /** Status in the shape Pup's JSON carries it: dates as ISO strings. */
  status(): ApiProcessInformation {
    const status: ApiProcessInformation = {
      id: this.id,
      status: this.#state,
      blocked: this.#blocked,
      restarts: this.#restarts,
      updated: this.#updated.toISOString(),
      type: this.config.worker ? 'worker' : 'process',
    };
    if (this.#pid !== undefined) status.pid = this.#pid;
    if (this.#code !== undefined) status.code = this.#code;
    if (this.#signal !== undefined) status.signal = this.#signal;
    if (this.#started) status.started = this.#started.toISOString();
    if (this.#exited) status.exited = this.#exited.toISOString();
    if (this.pendingRestartReason !== undefined) status.pendingRestartReason = this.pendingRestartReason;
    if (this.#telemetry !== undefined) status.telemetry = this.#telemetry;
    return status;
  }

  data(): ApiProcessData {
    const { cmd, ...rest } = this.config;
    const config: ApiProcessConfiguration = { ...rest, cwd: this.cwd };
    // Pup's configuration holds the command line as one string.
    if (cmd !== undefined) config.cmd = typeof cmd === 'string' ? cmd : cmd.map(quoteArg).join(' ');
    return { status: this.status(), config };
  }

  /** Start the process. False when it is blocked or already running (unless `overrun`). */
  start(reason: string, { restart = false } = {}): boolean {
    if (this.#blocked) {
      this.#hooks.log('info', this.id, `blocked, refusing to start (${reason})`);
      return false;
    }
    if (this.#child) {
      if (!this.config.overrun || this.#stopRequested) {
        if (this.config.cron) this.#hooks.log('info', this.id, `still running, refusing to start (${reason}; set overrun to allow)`);
        return false;
      }
      // Pup's overrun: the new run is the process from now on; the old one runs out untracked.
      this.#hooks.log('info', this.id, `still running, starting another run (overrun; ${reason})`);
      this.#overrun.add(this.#child);
      this.#child = undefined;
      clearTimeout(this.#timeoutTimer);
    }
    this.#stopRequested = false;
    if (restart) this.#restarts++;
    this.#pid = this.#code = this.#signal = this.#started = this.#exited = this.#telemetry = undefined;
    this.#hooks.log('info', this.id, `starting (${reason})`);
    this.#setState(ApiProcessState.STARTING);
    const { cmd, worker } = this.config;
    const options = { cwd: this.cwd, env: this.#env(), stdio: 'pipe' as const, detached: POSIX, windowsHide: true };
    let child: ChildProcess;
    try {
      if (worker) child = spawn(process.execPath, [resolve(this.cwd, worker[0]!), ...worker.slice(1)], options);
      else if (typeof cmd === 'string') child = spawn(cmd, { ...options, shell: true });
      else child = spawn(cmd![0]!, cmd!.slice(1), options);
    } catch (error) {
      this.#hooks.log('error', this.id, `cannot start: ${(error as Error).message}`);
      this.#finish(1, null);
      return true;
    }
    this.#child = child;
    let spawned = false;
    child.once('spawn', () => {
      spawned = true;
      this.#pid = child.pid;
      this.#started = new Date();
      this.#setState(ApiProcessState.RUNNING);
      const timeoutS = this.config.timeout;
      if (timeoutS !== undefined) {
        this.#timeoutTimer = setTimeout(() => {
          if (this.#child === child) void this.stop(`timeout: it ran ${timeoutS} s`);
        }, timeoutS * 1000);
      }
    });
    child.once('error', (error) => {
      this.#hooks.log('error', this.id, `${spawned ? 'process error' : 'cannot start'}: ${error.message}`);
      // Without a successful spawn there is no exit event to wait for.
      if (!spawned && this.#child === child) this.#finish(1, null);
    });
    // 'close' rather than 'exit': by then every line the process printed has been passed on,
    // so a plugin reacting to the status change finds the last output in the log.
    child.once('close', (code, signal) => {
      if (this.#child === child) this.#finish(code, signal);
      else if (this.#overrun.delete(child)) this.#hooks.log('info', this.id, `an earlier run (overrun) ended: ${signal ? `killed by ${signal}` : `exited with code ${code}`}`);
    });
    child.stdin?.on('error', (error) => this.#hooks.log('debug', this.id, `stdin: ${error.message}`));
    for (const stream of ['stdout', 'stderr'] as const) {
      const source = child[stream];
      if (!source) continue;
      createInterface({ input: source, crlfDelay: Infinity }).on('line', (line) => this.#hooks.output(this.id, stream, line));
    }
    return true;
  }

  /**
   * Stop the process: SIGTERM after the grace period, then SIGKILL after the stop
   * timeout. Earlier runs (overrun) get SIGTERM too. False when it was not running.
   */
  async stop(reason: string): Promise<boolean> {
    for (const earlier of this.#overrun) this.#send(earlier, 'SIGTERM');
    const child = this.#child;
    if (!child) return false;
    const exited = new Promise<void>((resolveExit) => this.#exitWaiters.push(resolveExit));
    const { graceMs, stopTimeoutMs } = this.#timing;
    let graceTimer: NodeJS.Timeout | undefined;
    if (!this.#stopRequested) {
      this.#stopRequested = true;
      this.#restarts = 0;
      clearTimeout(this.#timeoutTimer);
      this.#hooks.log('info', this.id, `stopping (${reason})`);
      this.#setState(ApiProcessState.STOPPING);
      if (graceMs > 0) graceTimer = setTimeout(() => this.#send(child, 'SIGTERM'), graceMs);
      else this.#send(child, 'SIGTERM');
    }
    const timer = setTimeout(() => {
      this.#hooks.log('warn', this.id, `still running ${stopTimeoutMs} ms after the stop began (terminateTimeout / stopTimeoutMs), sending SIGKILL`);
      this.#send(child, 'SIGKILL');
    }, stopTimeoutMs);
    try {
      await exited;
    } finally {
      clearTimeout(timer);
      clearTimeout(graceTimer);
    }
    return true;
  }

  /** Kill at once, synchronously (the host is exiting without a clean stop). */
  kill(): void {
    for (const earlier of this.#overrun) this.#send(earlier, 'SIGKILL');
    if (this.#child) this.#send(this.#child, 'SIGKILL');
  }

  /** Pup's environment: the config's env, `path` appended to PATH, PUP_PROCESS_ID. */
  #env(): NodeJS.ProcessEnv {
    const env: NodeJS.ProcessEnv = { ...process.env, ...this.config.env, PUP_PROCESS_ID: this.id };
    const extra = this.config.path;
    if (extra) env.PATH = env.PATH ? `${env.PATH}${delimiter}${extra}` : extra;
    return env;
  }

  block(reason: string): boolean {
    this.#blocked = true;
    this.#hooks.log('info', this.id, `blocked (${reason})`);
    this.#touch();
    return true;
  }

  unblock(reason: string): boolean {
    this.#blocked = false;
    this.#hooks.log('info', this.id, `unblocked (${reason})`);
    this.#touch();
    return true;
  }

  /** The supervisor refused a restart (restartLimit reached). */
  exhaust(): void {
    this.#setState(ApiProcessState.EXHAUSTED);
  }

  /** Write one line to the process's stdin. False when it is not running. */
  write(line: string): boolean {
    const stdin = this.#child?.stdin;
    if (!stdin || !stdin.writable) return false;
    stdin.write(`${line}\n`);
    return true;
  }

  #send(child: ChildProcess, signal: NodeJS.Signals): void {
    try {
      if (POSIX && child.pid !== undefined) process.kill(-child.pid, signal);
      else child.kill(signal);
    } catch (error) {
      // ESRCH: the group is already gone, which is what we wanted.
      if ((error as NodeJS.ErrnoException).code !== 'ESRCH') this.#hooks.log('warn', this.id, `cannot send ${signal}: ${(error as Error).message}`);
    }
  }

  #finish(code: number | null, signal: NodeJS.Signals | null): void {
    clearTimeout(this.#timeoutTimer);
    this.#child = undefined;
    this.#pid = undefined;
    this.#code = code ?? undefined;
    this.#signal = signal ?? undefined;
    this.#exited = new Date();
    const onPurpose = this.#stopRequested;
    const how = signal ? `killed by ${signal}` : `exited with code ${code}`;
    if (onPurpose || code === 0) {
      this.#hooks.log('info', this.id, `finished: ${how}${onPurpose ? ' (stopped)' : ''}`);
      this.#setState(ApiProcessState.FINISHED);
    } else {
      this.#hooks.log('warn', this.id, `errored: ${how}`);
      this.#setState(ApiProcessState.ERRORED);
    }
    const waiters = this.#exitWaiters;
    this.#exitWaiters = [];
    for (const wake of waiters) wake();
    this.#hooks.exited(this, onPurpose);
  }

  #touch(): void {
    this.#updated = new Date();
  }

  #setState(state: ApiProcessState): void {
    const old = this.#state;
    this.#state = state;
    this.#touch();
    this.#hooks.status({ old, new: state, status: this.status() });
  }
}

function quoteArg(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}
