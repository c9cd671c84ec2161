/**
 * A plugin's task pool when its worker runs in a plugin-host process
 * (`workerHost: "plugin-host"`), or when the plugin is process-isolated (its task
 * process, runtime/transport/task-process.ts): the threads run there, in a TaskPool of that process
 * (workers/plugin-host-tasks.ts), so a task that aborts V8 (a fatal out-of-memory,
 * nodejs/node#47224) ends that process and never the application. This is the runtime's
 * side: the same API as TaskPool, relayed over the process's IPC channel
 * (sdk/kernel/plugin-host-protocol.ts), every report checked with zod by
 * PluginHostProcess before it gets here.
 *
 *   run(task, params, { signal, onProgress, timeoutMs }) ── run ──▶ TaskPool.run (queue, deadline, cancel, memory watch there)
 *     signal aborts                                       ── cancel ─▶ the run's AbortSignal
 *     onProgress ◀── progress    output lines ◀── out     result ◀── done (capped at maxCallBytes there)
 *
 * If the plugin-host process dies, the tasks in flight fail at once with
 * PADDOCK_ERR_WORKER_EXITED naming the plugin and how the process died, and the pool is
 * dead: the runtime starts a new one, in the plugin's next plugin-host process, for the
 * next task.
 */
import type { Logger } from 'pino';
import { paddockError } from '../../sdk/errors.js';
import { deserializeError } from '../../sdk/kernel/serialize-error.js';
import type { TaskBoot } from '../../sdk/kernel/task-protocol.js';
import { cancelled, cancelReasonText, refuseRun, reportProgress, type ResolvedPoolConfig, type TaskRunOptions } from '../../sdk/kernel/task-pool.js';
import type { HostedWorkerLimits, PluginHostReport } from '../../sdk/kernel/plugin-host-protocol.js';
import type { HostedMember, PluginHostProcess } from '../transport/plugin-host.js';

export interface HostedTaskPoolOptions {
  /** The process the threads run in: the plugin's plugin-host process, or a process-isolated plugin's task process. */
  host: PluginHostProcess;
  /** The pool ended: the process may end with it (an isolated plugin-host process, a task process). */
  release(host: PluginHostProcess): void;
  boot: TaskBoot;
  pool: ResolvedPoolConfig;
  limits: { maxOldGenerationSizeMb?: number | undefined; maxYoungGenerationSizeMb?: number | undefined; stackSizeMb?: number | undefined; maxExternalMemoryMb?: number | undefined };
  tasks: ReadonlyMap<string, number | undefined>;
  /** The largest result that may cross (caps.maxCallBytes). */
  maxResultBytes: number;
  logger: Logger;
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
}

interface Pending {
  task: string;
  options: TaskRunOptions;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Stops listening to the caller's signal. */
  release(): void;
}

/**
 * How long close() waits, past the pool's cancel grace, for the plugin-host process to
 * say its pool ended; then the tasks still open are failed here and close() resolves.
 */
const END_DEADLINE_MS = 5_000;

let started = 0;

export class HostedTaskPool implements HostedMember {
  readonly pluginId: string;
  readonly measuredOn = 'its busiest task thread';
  readonly #options: HostedTaskPoolOptions;
  readonly #host: PluginHostProcess;
  readonly #w: string;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed: string | undefined;
  #dead: string | undefined;
  #remote = { running: 0, waiting: 0, threads: 0 };
  #heap: [number, number] | undefined;
  #utilisation = 0;
  #resolveEnded!: () => void;
  readonly #ended = new Promise<void>((resolve) => {
    this.#resolveEnded = resolve;
  });

  constructor(options: HostedTaskPoolOptions) {
    this.#options = options;
    this.pluginId = options.boot.id;
    this.#host = options.host;
    this.#w = `${this.pluginId}#tasks#${++started}`;
    const { limits } = options;
    const hostedLimits: HostedWorkerLimits & { maxExternalMemoryMb?: number } = {};
    for (const key of ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'stackSizeMb', 'maxExternalMemoryMb'] as const) {
      const value = limits[key];
      if (value !== undefined) hostedLimits[key] = value;
    }
    this.#host.join(this.#w, this, {
      t: 'pool',
      w: this.#w,
      boot: options.boot,
      pool: options.pool,
      limits: hostedLimits,
      tasks: [...options.tasks],
      maxResultBytes: options.maxResultBytes,
    });
  }

  get plugin(): string {
    return this.pluginId;
  }

  get tasks(): ReadonlyMap<string, number | undefined> {
    return this.#options.tasks;
  }

  /** The plugin-host process it ran in died: the runtime starts a new pool for the next task. */
  get dead(): boolean {
    return this.#dead !== undefined;
  }

  get heap(): [number, number] | undefined {
    return this.#heap;
  }

  get utilisation(): number {
    return this.#utilisation;
  }

  /** Pid of the plugin-host process its threads run in. */
  get hostPid(): number | undefined {
    return this.#host.pid;
  }

  /** Tasks running and waiting (counted here), and the threads the plugin-host process last reported. */
  get stats(): { running: number; waiting: number; threads: number } {
    const open = this.#pending.size;
    const waiting = Math.min(this.#remote.waiting, open);
    return { running: open - waiting, waiting, threads: this.#remote.threads };
  }

  run(task: string, params: unknown, options: TaskRunOptions = {}): Promise<unknown> {
    const plugin = this.pluginId;
    if (this.#closed === undefined && this.#dead !== undefined) return Promise.reject(this.#hostDiedError(task));
    const refused = refuseRun(plugin, task, params, options, this.#closed);
    if (refused) return refused;
    const signal = options.signal;
    const id = this.#nextId++;
    const w = this.#w;
    return new Promise((resolve, reject) => {
      const onAbort = () => this.#host.send({ t: 'cancel', w, id, reason: cancelReasonText(signal?.reason) });
      signal?.addEventListener('abort', onAbort, { once: true });
      this.#pending.set(id, { task, options, resolve, reject, release: () => signal?.removeEventListener('abort', onAbort) });
      this.#host.send({
        t: 'run',
        w,
        id,
        task,
        params,
        progress: options.onProgress !== undefined,
        ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
      });
    });
  }

  /** Refuse new tasks and end the pool in the plugin-host process (its tasks are cancelled there, with its grace). */
  async close(reason: string): Promise<void> {
    if (this.#closed !== undefined || this.#dead !== undefined) {
      this.#closed ??= reason;
      return this.#ended;
    }
    this.#closed = reason;
    this.#host.send({ t: 'pool-end', w: this.#w, retire: false, reason });
    const ms = this.#options.pool.cancelGraceMs + END_DEADLINE_MS;
    const timer = setTimeout(() => {
      this.#options.logger.warn(`its task pool in plugin-host process ${this.#host.label} did not end within ${ms} ms of close; its tasks are failed here`);
      this.#failAll((task) => cancelled(this.pluginId, task, `the plugin stopped (${reason})`));
      this.#resolveEnded();
    }, ms);
    await this.#ended;
    clearTimeout(timer);
    this.#options.release(this.#host);
  }

  /** Take no more tasks (the runtime has a new pool); the plugin-host process lets the open ones finish, then ends the threads. */
  async retire(): Promise<void> {
    if (this.#closed !== undefined || this.#dead !== undefined) return this.#ended;
    this.#closed = 'retired';
    this.#host.send({ t: 'pool-end', w: this.#w, retire: true, reason: 'retired' });
    await this.#ended;
  }

  deliver(report: Exclude<PluginHostReport, { t: 'ready' }>): void {
    switch (report.t) {
      case 'progress': {
        const pending = this.#pending.get(report.id);
        if (pending?.options.onProgress) {
          reportProgress(this.#options.logger, pending.task, pending.options.onProgress, report.m === undefined ? { value: report.v } : { value: report.v, message: report.m });
        }
        return;
      }
      case 'out':
        this.#options.onOutput(report.s, report.l);
        return;
      case 'done': {
        const pending = this.#pending.get(report.id);
        if (!pending) return;
        this.#pending.delete(report.id);
        pending.release();
        if (report.ok) pending.resolve(report.v);
        else pending.reject(report.e === undefined
          ? paddockError('PADDOCK_ERR_PROTOCOL', { plugin: this.pluginId, problem: `task ${JSON.stringify(pending.task)} failed without an error` })
          : deserializeError(report.e));
        return;
      }
      case 'pool-beat':
        this.#remote = { running: report.running, waiting: report.waiting, threads: report.threads };
        this.#heap = report.h;
        this.#utilisation = report.e;
        return;
      case 'log':
        if (report.level === 'error') this.#options.logger.error(report.msg);
        else this.#options.logger.warn(report.msg);
        return;
      case 'pool-ended':
        // Whatever is still open was never answered (it should not happen): it fails rather than hangs.
        this.#failAll((task) => cancelled(this.pluginId, task, `the plugin stopped (${this.#closed ?? 'its pool ended'})`));
        this.#resolveEnded();
        this.#options.release(this.#host);
        return;
      default:
    }
  }

  hostDied(reason: string): void {
    if (this.#dead !== undefined) return;
    this.#dead = reason;
    this.#failAll((task) => this.#hostDiedError(task));
    this.#resolveEnded();
  }

  #hostDiedError(task: string) {
    return paddockError('PADDOCK_ERR_WORKER_EXITED', {
      plugin: this.pluginId,
      call: `task ${JSON.stringify(task)}`,
      reason: `(its task thread) ${this.#dead ?? 'ended'}`,
    });
  }

  #failAll(error: (task: string) => Error): void {
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.release();
      pending.reject(error(pending.task));
    }
  }
}
