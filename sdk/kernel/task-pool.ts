/**
 * One plugin's pool of task threads: piscina runs workers/task-worker.js in up to
 * `size` threads, with the plugin's heap and stack limits and an empty environment,
 * like the plugin's own worker. The queue in front of it is ours, bounded by
 * `queueLimit`: piscina does not bound tasks that carry an AbortSignal, and a full
 * queue must refuse at once rather than grow.
 *
 *   run() ─▶ waiting (≤ queueLimit) ─▶ running (≤ size, each in a cancel slot) ─▶ piscina thread
 *              │ full: TASK_QUEUE_FULL     │ cancel / timeout: the slot is marked (the task's
 *              │ aborted: TASK_CANCELLED   │ AbortSignal fires), then after cancelGraceMs piscina
 *                                          │ terminates the thread
 *                                          ▼
 *           progress and output arrive as pool messages, in order; the task settles once
 *           its result and every message it announced are in (workers/task-protocol.ts)
 *
 * A task thread's external memory (ArrayBuffers, outside its heap limit) counts against
 * the plugin's `maxExternalMemoryMb`: where Node reads it from outside the thread
 * (`worker.getHeapStatistics()`, 22.16+ and 24+, answered by V8 even while the task
 * runs), a thread past it is terminated and its task fails with PADDOCK_ERR_RESOURCE_LIMIT.
 *
 * It lives in the kernel because two sides run it: the runtime, for a plugin whose
 * worker runs in the application's process (runtime/tasks/task-runner.ts), and the
 * plugin-host process, for a plugin whose worker runs there (workers/plugin-host-tasks.ts,
 * relayed by runtime/tasks/hosted-task-pool.ts). Each passes the URL of the task-worker
 * entry it starts threads from.
 */
import { isLoggedCount } from './logged-count.js';
import type { Worker } from 'node:worker_threads';
import { Piscina } from 'piscina';
import { paddockError, PaddockError } from '../errors.js';
import { assertCloneable } from './cloneable.js';
import { deserializeError } from './serialize-error.js';
import { pluginThrew } from './results.js';
import { threadLimits, type ThreadLimits } from './thread-limits.js';
import { CANCEL_REASONS, type TaskBoot, type TaskRequest, type TaskWorkerData } from './task-protocol.js';
import { taskMessageSchema, taskResponseSchema } from './task-schemas.js';

/** A task's progress, as its caller hears it. */
export interface TaskProgress {
  /** From 0 to 1. */
  value: number;
  message?: string;
}

/** What a caller passes to run a task, and what it hears back while the task runs. */
export interface TaskRunOptions {
  /** Cancel the task: it is told (its AbortSignal fires), then stopped after the grace period. */
  signal?: AbortSignal;
  /** Progress reports, in the order the task made them, all before the result. */
  onProgress?: (progress: TaskProgress) => void;
  /** Deadline of this run, from when it starts (default: the task's own, else pool.taskTimeoutMs). */
  timeoutMs?: number;
}

/** What the pool logs: the runtime passes the plugin's pino logger, the plugin-host process a relay. */
export interface TaskPoolLogger {
  warn(message: string): void;
  error(context: { err: unknown }, message: string): void;
  error(message: string): void;
}

export interface ResolvedPoolConfig {
  size: number;
  queueLimit: number;
  idleTimeoutMs: number;
  taskTimeoutMs: number;
  cancelGraceMs: number;
}

export interface TaskPoolOptions {
  /** The task-worker entry (its bundle, build/bundle-workers.mjs). */
  filename: URL;
  boot: TaskBoot;
  pool: ResolvedPoolConfig;
  limits: { readonly [K in keyof ThreadLimits]?: number | undefined } & { maxExternalMemoryMb?: number | undefined };
  /** The plugin's tasks, with the deadline each sets for itself (TaskInfo.timeoutMs). */
  tasks: ReadonlyMap<string, number | undefined>;
  logger: TaskPoolLogger;
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
}

interface Job {
  task: string;
  params: unknown;
  options: TaskRunOptions;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Set while the job waits: stops listening to its signal. */
  dequeue?: () => void;
}

type CancelReason = 1 | 2 | 3;

/** How often the task threads' external memory is read while tasks run. */
const MEMORY_POLL_MS = 250;
/** A thread that dies this soon after it was terminated for its memory died of that. */
const MEMORY_KILL_WINDOW_MS = 5_000;

type HeapReader = Worker & { getHeapStatistics?: () => Promise<{ external_memory: number }> };
const CANCELLED_BY_CALLER: CancelReason = 1;
const TIMED_OUT: CancelReason = 2;
const PLUGIN_STOPPED: CancelReason = 3;

/** A task that is running. */
interface Running {
  id: number;
  task: string;
  options: TaskRunOptions;
  /** Messages received so far (the thread says how many it sent, with the result). */
  received: number;
  /** Asked to stop: its progress no longer reaches the caller. */
  stopping: boolean;
  cancel(reason: CancelReason, error: PaddockError): void;
  settled: Promise<void>;
  tryToSettle(): void;
}

export class TaskPool {
  readonly #options: TaskPoolOptions;
  readonly #piscina: Piscina;
  readonly #slots: Int32Array;
  readonly #freeSlots: number[];
  readonly #waiting: Job[] = [];
  readonly #running = new Map<number, Running>();
  #nextId = 1;
  #closed: string | undefined;
  #memoryTimer: NodeJS.Timeout | undefined;
  /** The last thread terminated for its external memory: the error its task gets. */
  #memoryKill: { at: number; mb: number } | undefined;

  constructor(options: TaskPoolOptions) {
    this.#options = options;
    const { limits, pool } = options;
    const resourceLimits = threadLimits(limits);
    const cancelSlots = new SharedArrayBuffer(pool.size * 2 * Int32Array.BYTES_PER_ELEMENT);
    this.#slots = new Int32Array(cancelSlots);
    this.#freeSlots = Array.from({ length: pool.size }, (_, i) => pool.size - 1 - i);
    this.#piscina = new Piscina({
      filename: options.filename.href,
      name: 'default',
      minThreads: 0,
      maxThreads: pool.size,
      idleTimeout: pool.idleTimeoutMs,
      concurrentTasksPerWorker: 1,
      resourceLimits,
      // Not the host's flags and not the host's environment, as for plugin workers.
      execArgv: ['--enable-source-maps'],
      env: {},
      workerData: { paddockTaskWorker: 1, boot: options.boot, cancelSlots } satisfies TaskWorkerData,
    });
    this.#piscina.on('error', (error: unknown) => options.logger.error({ err: error }, 'task pool error'));
    this.#piscina.on('message', (message: unknown) => this.#onMessage(message));
    const limitMb = limits.maxExternalMemoryMb;
    if (limitMb !== undefined) this.#watchMemory(limitMb);
  }

  #watchMemory(limitMb: number): void {
    const asking = new WeakSet<Worker>();
    this.#memoryTimer = setInterval(() => {
      if (this.#running.size === 0) return;
      for (const thread of this.#piscina.threads as HeapReader[]) {
        if (typeof thread.getHeapStatistics !== 'function') return; // this Node line cannot read it (before 22.16)
        if (asking.has(thread)) continue;
        asking.add(thread);
        thread.getHeapStatistics().then((stats) => {
          asking.delete(thread);
          const mb = Math.round(stats.external_memory / 1_048_576);
          if (mb <= limitMb) return;
          this.#memoryKill = { at: Date.now(), mb };
          this.#options.logger.error(`a task thread held ${mb} MB outside the V8 heap (limits.maxExternalMemoryMb ${limitMb}); terminating it`);
          void thread.terminate();
        }, () => {
          asking.delete(thread); // the thread is exiting
        });
      }
    }, MEMORY_POLL_MS);
    this.#memoryTimer.unref();
  }

  get plugin(): string {
    return this.#options.boot.id;
  }

  get tasks(): ReadonlyMap<string, number | undefined> {
    return this.#options.tasks;
  }

  /** The pool's threads now (to measure them from outside). */
  get threads(): readonly Worker[] {
    return this.#piscina.threads;
  }

  /** Tasks running and waiting, and the pool's threads. */
  get stats(): { running: number; waiting: number; threads: number } {
    return { running: this.#running.size, waiting: this.#waiting.length, threads: this.#piscina.threads.length };
  }

  run(task: string, params: unknown, options: TaskRunOptions = {}): Promise<unknown> {
    const plugin = this.plugin;
    const refused = refuseRun(plugin, task, params, options, this.#closed);
    if (refused) return refused;
    const signal = options.signal;
    return new Promise((resolve, reject) => {
      const job: Job = { task, params, options, resolve, reject };
      const { size, queueLimit } = this.#options.pool;
      if (this.#running.size < size) {
        this.#start(job);
        return;
      }
      if (this.#waiting.length >= queueLimit) {
        reject(paddockError('PADDOCK_ERR_TASK_QUEUE_FULL', { plugin, task, running: this.#running.size, waiting: this.#waiting.length }));
        return;
      }
      if (signal) {
        const onAbort = () => {
          const index = this.#waiting.indexOf(job);
          if (index >= 0) this.#waiting.splice(index, 1);
          reject(cancelled(plugin, task, signal.reason));
        };
        signal.addEventListener('abort', onAbort, { once: true });
        job.dequeue = () => signal.removeEventListener('abort', onAbort);
      }
      this.#waiting.push(job);
    });
  }

  /**
   * Refuse new tasks, cancel the waiting ones, ask the running ones to stop (their
   * AbortSignal fires), give them cancelGraceMs, then end the threads.
   */
  async close(reason: string): Promise<void> {
    if (this.#closed !== undefined) return;
    this.#closed = reason;
    clearInterval(this.#memoryTimer);
    for (const job of this.#waiting.splice(0)) {
      job.dequeue?.();
      job.reject(cancelled(this.plugin, job.task, `the plugin stopped (${reason})`));
    }
    const running = [...this.#running.values()];
    for (const task of running) task.cancel(PLUGIN_STOPPED, cancelled(this.plugin, task.task, `the plugin stopped (${reason})`));
    await Promise.all(running.map((task) => task.settled));
    await this.#piscina.destroy();
  }

  /**
   * Take no more tasks through this pool (the runtime has a new one), let the running
   * and waiting ones finish, then end the threads.
   */
  async retire(): Promise<void> {
    while (this.#closed === undefined && (this.#running.size > 0 || this.#waiting.length > 0)) {
      await Promise.race([...this.#running.values()].map((task) => task.settled));
    }
    if (this.#closed !== undefined) return;
    this.#closed = 'retired';
    clearInterval(this.#memoryTimer);
    await this.#piscina.destroy();
  }

  #pump(): void {
    while (this.#closed === undefined && this.#running.size < this.#options.pool.size && this.#waiting.length > 0) {
      const job = this.#waiting.shift()!;
      job.dequeue?.();
      this.#start(job);
    }
  }

  #start(job: Job): void {
    const { task, params, options } = job;
    const plugin = this.plugin;
    const { pool } = this.#options;
    const id = this.#nextId++;
    const slot = this.#freeSlots.pop()!;
    Atomics.store(this.#slots, slot * 2 + 1, 0);
    Atomics.store(this.#slots, slot * 2, id);
    const timeoutMs = options.timeoutMs ?? this.#options.tasks.get(task) ?? pool.taskTimeoutMs;
    const kill = new AbortController();
    let stopReason: PaddockError | undefined;
    let response: { value: unknown } | { error: unknown } | undefined;
    let announced = Infinity;
    let graceTimer: NodeJS.Timeout | undefined;
    let markSettled!: () => void;
    const running: Running = {
      id,
      task,
      options,
      received: 0,
      stopping: false,
      settled: new Promise((resolve) => {
        markSettled = resolve;
      }),
      cancel: (reason, error) => {
        if (stopReason || response) return;
        stopReason = error;
        running.stopping = true;
        // The thread sees this the next time it looks (CANCEL_POLL_MS) and fires the task's AbortSignal.
        Atomics.store(this.#slots, slot * 2 + 1, reason);
        graceTimer = setTimeout(() => kill.abort(error), pool.cancelGraceMs);
      },
      tryToSettle: () => {
        if (!response || running.received < announced || !this.#running.has(id)) return;
        this.#running.delete(id);
        clearTimeout(timeoutTimer);
        clearTimeout(graceTimer);
        options.signal?.removeEventListener('abort', onAbort);
        Atomics.store(this.#slots, slot * 2, 0);
        this.#freeSlots.push(slot);
        if (stopReason) job.reject(stopReason);
        else if ('error' in response) job.reject(threadDied(plugin, task, response.error));
        else this.#unwrap(job, response.value);
        markSettled();
        this.#pump();
      },
    };
    this.#running.set(id, running);
    const timeoutTimer = setTimeout(() => running.cancel(TIMED_OUT, paddockError('PADDOCK_ERR_TASK_TIMEOUT', { plugin, task, ms: timeoutMs })), timeoutMs);
    const onAbort = () => running.cancel(CANCELLED_BY_CALLER, cancelled(plugin, task, options.signal?.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    this.#piscina.run({ id, slot, task, params } satisfies TaskRequest, { signal: kill.signal }).then(
      (value: unknown) => {
        const parsed = taskResponseSchema.safeParse(value);
        if (parsed.success) {
          announced = parsed.data.posted;
          response = { value: parsed.data.result };
        } else {
          announced = 0;
          response = { error: paddockError('PADDOCK_ERR_PROTOCOL', { plugin, problem: `task ${JSON.stringify(task)} answered with something that is not a task response` }) };
        }
        running.tryToSettle();
      },
      (error: unknown) => {
        // The thread is gone (terminated, crashed): what it had not sent will not come.
        announced = 0;
        const memory = this.#memoryKill;
        const limitMb = this.#options.limits.maxExternalMemoryMb;
        response = memory !== undefined && limitMb !== undefined && Date.now() - memory.at < MEMORY_KILL_WINDOW_MS
          ? { error: paddockError('PADDOCK_ERR_RESOURCE_LIMIT', { plugin, limit: `limits.maxExternalMemoryMb (${limitMb} MB)`, what: `its task ${JSON.stringify(task)} was`, detail: `the task's thread held ${memory.mb} MB outside the V8 heap (the plugin goes on)` }) }
          : { error };
        running.tryToSettle();
      },
    );
  }

  #droppedMessages = 0;

  /** A message from a pool thread: progress or output of a task, checked before use. */
  #onMessage(message: unknown): void {
    const parsed = taskMessageSchema.safeParse(message);
    if (!parsed.success) {
      // Counted, and logged at 1, 2, … 10, then at each power of ten: a thread that floods
      // its port costs the log a few lines, not one per message.
      const dropped = ++this.#droppedMessages;
      if (isLoggedCount(dropped)) this.#options.logger.warn(`protocol violation: a task thread sent a message outside the task protocol; it was dropped (${dropped} so far)`);
      return;
    }
    const data = parsed.data;
    const running = this.#running.get(data.paddockTask);
    switch (data.t) {
      case 'progress':
        if (running && !running.stopping && running.options.onProgress) {
          reportProgress(this.#options.logger, running.task, running.options.onProgress, data.m === undefined ? { value: data.v } : { value: data.v, message: data.m });
        }
        break;
      case 'output':
        this.#options.onOutput(data.s, data.l);
        break;
      default:
        throw new Error(`unhandled task message ${JSON.stringify(data satisfies never)}`);
    }
    if (running) {
      running.received++;
      running.tryToSettle();
    }
  }

  #unwrap(job: Job, result: unknown): void {
    const value = result as { ok: true; value: unknown } | { ok: false; error: unknown };
    if (value.ok) job.resolve(value.value);
    else job.reject(deserializeError(value.error));
  }
}

/** A cancelled task's error; `reason` is its AbortSignal's reason. */
/**
 * What refuses a run before it is queued, the same for a pool here and one relayed to
 * another process (runtime/tasks/hosted-task-pool.ts): a closed pool, params that cannot
 * cross a thread, a signal already aborted. Undefined when the run may go ahead.
 */
export function refuseRun(plugin: string, task: string, params: unknown, options: TaskRunOptions, closed: string | undefined): Promise<never> | undefined {
  if (closed !== undefined) return Promise.reject(paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin, state: `stopped (${closed})` }));
  try {
    assertCloneable(params, `params of task ${JSON.stringify(task)}`, plugin);
  } catch (error) {
    return Promise.reject(error);
  }
  if (options.signal?.aborted) return Promise.reject(cancelled(plugin, task, options.signal.reason));
  return undefined;
}

export function cancelled(plugin: string, task: string, reason: unknown): PaddockError {
  if (reason instanceof PaddockError && reason.code === 'PADDOCK_ERR_TASK_CANCELLED') return reason;
  return paddockError('PADDOCK_ERR_TASK_CANCELLED', { plugin, task, reason: cancelReasonText(reason) });
}

/** Why a task was cancelled, in words, from its AbortSignal's reason. */
export function cancelReasonText(reason: unknown): string {
  return reason === undefined ? CANCEL_REASONS[CANCELLED_BY_CALLER]
    : reason instanceof Error ? (reason.name === 'AbortError' ? CANCEL_REASONS[CANCELLED_BY_CALLER] : reason.message)
      : String(reason);
}

/** piscina rejects when the thread running the task died: out of memory, or an uncaught error outside the task's promise. */
function threadDied(plugin: string, task: string, error: unknown): PaddockError {
  if (error instanceof PaddockError) return error;
  const call = `task ${JSON.stringify(task)}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return paddockError('PADDOCK_ERR_WORKER_EXITED', { plugin, call, reason: 'ran out of memory (in a task thread; limits.maxOldGenerationSizeMb)' }, { cause: error });
  }
  return pluginThrew(plugin, `${call} (its thread died of an uncaught error)`, error);
}

export function reportProgress(logger: TaskPoolLogger, task: string, listener: (progress: TaskProgress) => void, progress: TaskProgress): void {
  try {
    listener(progress);
  } catch (error) {
    logger.error({ err: error }, `the progress listener of task ${JSON.stringify(task)} threw`);
  }
}

