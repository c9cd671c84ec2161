/**
 * The processes of the host: start them (autostart, `cron`), stop them (`terminate`
 * cron), restart them by policy, watch their files, and carry out what plugins ask
 * (start, stop, restart, block, unblock — one process or `all`).
 *
 * Schedules (croner, the cron library Pup is built on): `cron` starts the process on
 * each tick and `terminate` stops it; after setting each up and after each tick,
 * `process_scheduled` / `process_scheduled_terminate` announce the next run, and the
 * restart count starts afresh, as in Pup.
 *
 * Restart policy, after a process exits by itself (a stop on purpose is never undone):
 *   always → restart; error → restart after a non-zero exit; never → leave it.
 *   The default is always with `autostart` or `watch`, never otherwise. A restart waits
 *   `restartDelayMs` (default 10000, 500 for a watched process); past `restartLimit`
 *   restarts the process is EXHAUSTED.
 */
import { resolve } from 'node:path';
import { Cron } from 'croner';
import type { LogSeverity } from '../../index.js';
import { ApiProcessState, type ApiProcessData, type ApiProcessScheduledEvent } from '../../../sdk/kernel/pup-api-definitions.js';
import type { ProcessConfig } from '../config.js';
import { watchPaths } from '../file-watch.js';
import { ManagedProcess, type ProcessTiming } from './managed-process.js';

export const DEFAULT_RESTART_DELAY_MS = 10_000;
/** Pup restarts a watched process sooner. */
export const WATCHED_RESTART_DELAY_MS = 500;

export interface SupervisorHooks {
  /** Deliver a host event (process_status_changed, process_scheduled, process_watch, …). */
  emit(event: string, data: unknown): void;
  log(severity: LogSeverity, text: string, processId: string): void;
  output(processId: string, stream: 'stdout' | 'stderr', line: string): void;
  /** The stop timing of a process (from its entry and the config's defaults). */
  timing?(config: ProcessConfig): ProcessTiming;
}

export class ProcessSupervisor {
  readonly #processes = new Map<string, ManagedProcess>();
  readonly #restartTimers = new Map<string, NodeJS.Timeout>();
  readonly #stopWatching: Array<() => void> = [];
  readonly #jobs: Cron[] = [];
  readonly #hooks: SupervisorHooks;
  #closing = false;

  constructor(configs: readonly ProcessConfig[], baseDir: string, hooks: SupervisorHooks) {
    this.#hooks = hooks;
    for (const config of configs) {
      this.#processes.set(config.id, new ManagedProcess(config, baseDir, {
        status: (change) => hooks.emit('process_status_changed', change),
        output: hooks.output,
        log: (severity, id, text) => hooks.log(severity, text, id),
        exited: (process, onPurpose) => this.#onExit(process, onPurpose),
      }, hooks.timing?.(config)));
    }
  }

  list(): ManagedProcess[] {
    return [...this.#processes.values()];
  }

  get(id: string): ManagedProcess | undefined {
    return this.#processes.get(id);
  }

  data(): ApiProcessData[] {
    return this.list().map((p) => p.data());
  }

  /** The processes a request means: one by id, or every one for "all". */
  select(id: string): ManagedProcess[] {
    if (id === 'all') return this.list();
    const process = this.#processes.get(id);
    if (!process) {
      const known = [...this.#processes.keys()];
      throw new Error(`no process ${JSON.stringify(id)} (known: ${known.length ? known.join(', ') : 'none'}, or "all")`);
    }
    return [process];
  }

  /** Announce every process, set up the schedules, start the autostart ones, watch their files. */
  async init(): Promise<void> {
    for (const process of this.list()) {
      this.#hooks.emit('process_status_changed', { old: null, new: process.state, status: process.status() });
    }
    for (const process of this.list()) this.#schedule(process);
    for (const process of this.list()) if (process.config.autostart) process.start('autostart');
    for (const process of this.list()) await this.#watch(process);
  }

  start(id: string, reason: string): boolean {
    return this.#some(id, (p) => {
      this.#cancelRestart(p);
      return p.start(reason);
    });
  }

  async stop(id: string, reason: string): Promise<boolean> {
    const targets = this.select(id);
    for (const p of targets) {
      this.#cancelRestart(p);
      p.pendingRestartReason = undefined;
    }
    const results = await Promise.all(targets.map((p) => p.stop(reason)));
    return results.some(Boolean);
  }

  /** Stop (when running) and start again; a blocked process is not restarted. */
  restart(id: string, reason: string): boolean {
    return this.#some(id, (p) => {
      if (p.blocked) return false;
      this.#cancelRestart(p);
      if (!p.running) return p.start(reason);
      p.pendingRestartReason = reason;
      void p.stop(reason);
      return true;
    });
  }

  block(id: string, reason: string): boolean {
    return this.#some(id, (p) => {
      this.#cancelRestart(p);
      return p.block(reason);
    });
  }

  unblock(id: string, reason: string): boolean {
    return this.#some(id, (p) => p.unblock(reason));
  }

  /** Stop every process and stop restarting and scheduling them. */
  async stopAll(reason: string): Promise<void> {
    this.#closing = true;
    for (const job of this.#jobs.splice(0)) job.stop();
    for (const stop of this.#stopWatching.splice(0)) stop();
    for (const p of this.list()) this.#cancelRestart(p);
    await Promise.all(this.list().map((p) => p.stop(reason)));
  }

  /** Kill every process at once (the host is exiting without a clean stop). */
  killAll(): void {
    for (const job of this.#jobs.splice(0)) job.stop();
    for (const p of this.list()) p.kill();
  }

  #some(id: string, action: (process: ManagedProcess) => boolean): boolean {
    if (this.#closing) return false;
    return this.select(id).map(action).some(Boolean);
  }

  #cancelRestart(process: ManagedProcess): void {
    clearTimeout(this.#restartTimers.get(process.id));
    this.#restartTimers.delete(process.id);
  }

  /** Pup's `cron` (start) and `terminate` (stop) schedules of one process. */
  #schedule(process: ManagedProcess): void {
    const { cron, terminate } = process.config;
    if (cron) {
      this.#cron(process, cron, 'process_scheduled', 'run', () => {
        this.#cancelRestart(process);
        process.start('cron pattern');
      });
    }
    if (terminate) this.#cron(process, terminate, 'process_scheduled_terminate', 'terminate', () => void process.stop('cron termination'));
  }

  #cron(process: ManagedProcess, pattern: string, event: string, what: string, tick: () => void): void {
    const announce = (job: Cron) => {
      const next = job.nextRun();
      const data: ApiProcessScheduledEvent = { status: process.status() };
      if (next) data.next = next.toISOString();
      this.#hooks.log('info', `scheduled to ${what} at ${next ? next.toISOString() : '(never again)'} ('${pattern}')`, process.id);
      this.#hooks.emit(event, data);
    };
    let job: Cron;
    try {
      // unref: a schedule alone does not keep the host alive; the host's own ticker does.
      // sloppyRanges: the croner Pup is built on took "0/5" (stepping from a number), and Pup's examples use it.
      job = new Cron(pattern, { unref: true, sloppyRanges: true }, () => {
        if (this.#closing) return;
        tick();
        announce(job);
        process.resetRestarts();
      });
    } catch (error) {
      // As in Pup: a bad pattern is logged and the process simply runs unscheduled.
      this.#hooks.log('error', `cannot schedule '${pattern}' (${what}): ${(error as Error).message}`, process.id);
      return;
    }
    this.#jobs.push(job);
    announce(job);
  }

  #onExit(process: ManagedProcess, onPurpose: boolean): void {
    if (this.#closing) return;
    const pending = process.pendingRestartReason;
    if (pending !== undefined) {
      process.pendingRestartReason = undefined;
      process.start(pending);
      return;
    }
    if (onPurpose) return;
    const { config } = process;
    const policy = config.restart ?? (config.autostart || config.watch?.length ? 'always' : 'never');
    if (policy === 'never' || (policy === 'error' && process.state !== ApiProcessState.ERRORED)) return;
    if (config.restartLimit !== undefined && process.restarts >= config.restartLimit) {
      this.#hooks.log('warn', `exhausted: ${process.restarts} restarts (restartLimit ${config.restartLimit}), not restarting`, process.id);
      process.exhaust();
      return;
    }
    const delay = config.restartDelayMs ?? (config.watch?.length ? WATCHED_RESTART_DELAY_MS : DEFAULT_RESTART_DELAY_MS);
    this.#hooks.log('info', `restarting in ${delay} ms (restart: ${policy})`, process.id);
    this.#restartTimers.set(process.id, setTimeout(() => {
      this.#restartTimers.delete(process.id);
      process.start('restart', { restart: true });
    }, delay));
  }

  async #watch(process: ManagedProcess): Promise<void> {
    const paths = process.config.watch;
    if (!paths?.length) return;
    const stop = await watchPaths(paths.map((p) => resolve(process.cwd, p)), {
      changed: (path) => {
        if (this.#closing) return;
        this.#hooks.log('info', `${path} changed, restarting`, process.id);
        this.#hooks.emit('process_watch', { at: new Date().toISOString(), status: process.status() });
        process.resetRestarts();
        this.restart(process.id, 'watched file changed');
      },
      failed: (path, error) => this.#hooks.log('warn', `cannot watch ${path}: ${error.message}`, process.id),
    });
    this.#stopWatching.push(stop);
  }
}
