/**
 * One plugin's pool of task threads: piscina runs workers/task-worker.js in up to
 * `size` threads, with the plugin's heap and stack limits and an empty environment,
 * like the plugin's own worker. The queue in front of it is ours, bounded by
 * `queueLimit`: piscina does not bound tasks that carry an AbortSignal, and a full
 * queue must refuse at once rather than grow.
 *
 *   run() ─▶ waiting (≤ queueLimit) ─▶ running (≤ size) ─▶ piscina thread
 *              │ full: TASK_QUEUE_FULL     │ cancel / timeout: { t: 'cancel' } on the task port,
 *              │ aborted: TASK_CANCELLED   │ then after cancelGraceMs piscina terminates the thread
 *                                          ▼
 *                        progress and output on the task port, in order, then 'end';
 *                        the promise settles only after 'end' (or the thread's death)
 */
import { MessageChannel } from 'node:worker_threads';
import type { Logger } from 'pino';
import { Piscina } from 'piscina';
import { paddockError, PaddockError } from '../../sdk/errors.js';
import { assertCloneable } from '../../sdk/internal/cloneable.js';
import { deserializeError } from '../../sdk/internal/serialize-error.js';
import { resultSchema } from '../../workers/protocol.js';
import { taskToHostSchema, type HostToTaskMessage, type TaskBoot, type TaskRequest, type TaskWorkerData } from '../../workers/task-protocol.js';
import type { WorkerResourceLimits } from '../transport/worker-transport.js';
import type { TaskProgress, TaskRunOptions } from './task-types.js';

export const TASK_WORKER_URL = new URL('../../workers/task-worker.js', import.meta.url);

export interface ResolvedPoolConfig {
  size: number;
  queueLimit: number;
  idleTimeoutMs: number;
  taskTimeoutMs: number;
  cancelGraceMs: number;
}

export interface TaskPoolOptions {
  boot: TaskBoot;
  pool: ResolvedPoolConfig;
  limits: WorkerResourceLimits;
  /** Deadlines the task definitions set for themselves (TaskInfo.timeoutMs). */
  taskTimeouts: ReadonlyMap<string, number>;
  logger: Logger;
  onOutput(stream: 'stdout' | 'stderr', line: string): void;
}

interface Job {
  task: string;
  params: unknown;
  options: TaskRunOptions;
  resolve(value: unknown): void;
  reject(error: Error): void;
  /** Set while the job waits: takes it out of the queue. */
  dequeue?: () => void;
}

/** A task that is running: what close() needs to stop it. */
interface Running {
  task: string;
  cancel(error: PaddockError): void;
  settled: Promise<void>;
}

export class TaskPool {
  readonly #options: TaskPoolOptions;
  readonly #piscina: Piscina;
  readonly #waiting: Job[] = [];
  readonly #running = new Set<Running>();
  #closed: string | undefined;

  constructor(options: TaskPoolOptions) {
    this.#options = options;
    const { limits, pool } = options;
    const resourceLimits: Record<string, number> = {};
    if (limits.maxOldGenerationSizeMb !== undefined) resourceLimits.maxOldGenerationSizeMb = limits.maxOldGenerationSizeMb;
    if (limits.maxYoungGenerationSizeMb !== undefined) resourceLimits.maxYoungGenerationSizeMb = limits.maxYoungGenerationSizeMb;
    if (limits.stackSizeMb !== undefined) resourceLimits.stackSizeMb = limits.stackSizeMb;
    this.#piscina = new Piscina({
      filename: TASK_WORKER_URL.href,
      name: 'default',
      minThreads: 0,
      maxThreads: pool.size,
      idleTimeout: pool.idleTimeoutMs,
      concurrentTasksPerWorker: 1,
      // Threads wait for tasks without blocking their event loop.
      atomics: 'async',
      resourceLimits,
      // Not the host's flags and not the host's environment, as for plugin workers.
      execArgv: ['--enable-source-maps'],
      env: {},
      workerData: { paddockTaskWorker: 1, boot: options.boot } satisfies TaskWorkerData,
    });
    this.#piscina.on('error', (error: unknown) => options.logger.error({ err: error }, 'task pool error'));
  }

  get plugin(): string {
    return this.#options.boot.id;
  }

  /** Tasks running and waiting, and the pool's threads. */
  get stats(): { running: number; waiting: number; threads: number } {
    return { running: this.#running.size, waiting: this.#waiting.length, threads: this.#piscina.threads.length };
  }

  run(task: string, params: unknown, options: TaskRunOptions = {}): Promise<unknown> {
    const plugin = this.plugin;
    if (this.#closed !== undefined) {
      return Promise.reject(paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin, state: `stopped (${this.#closed})` }));
    }
    try {
      assertCloneable(params, `params of task ${JSON.stringify(task)}`, plugin);
    } catch (error) {
      return Promise.reject(error);
    }
    const signal = options.signal;
    if (signal?.aborted) return Promise.reject(cancelled(plugin, task, signal.reason));
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
    for (const job of this.#waiting.splice(0)) {
      job.dequeue?.();
      job.reject(cancelled(this.plugin, job.task, `the plugin stopped (${reason})`));
    }
    const running = [...this.#running];
    for (const task of running) task.cancel(cancelled(this.plugin, task.task, `the plugin stopped (${reason})`));
    await Promise.all(running.map((task) => task.settled));
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
    const { pool, logger } = this.#options;
    const timeoutMs = options.timeoutMs ?? this.#options.taskTimeouts.get(task) ?? pool.taskTimeoutMs;
    const { port1: port, port2 } = new MessageChannel();
    const kill = new AbortController();
    let stopReason: PaddockError | undefined;
    let outcome: { value: unknown } | { error: unknown } | undefined;
    let ended = false;
    let graceTimer: NodeJS.Timeout | undefined;
    let markSettled!: () => void;
    const running: Running = {
      task,
      settled: new Promise((resolve) => {
        markSettled = resolve;
      }),
      cancel: (error) => {
        if (stopReason || outcome) return;
        stopReason = error;
        try {
          port.postMessage({ t: 'cancel', reason: stopReason.message } satisfies HostToTaskMessage);
        } catch (postError) {
          logger.debug({ err: postError }, `task ${JSON.stringify(task)}: the cancel message could not be posted`);
        }
        graceTimer = setTimeout(() => kill.abort(stopReason), pool.cancelGraceMs);
      },
    };
    this.#running.add(running);
    const timeoutTimer = setTimeout(() => running.cancel(paddockError('PADDOCK_ERR_TASK_TIMEOUT', { plugin, task, ms: timeoutMs })), timeoutMs);
    const onAbort = () => running.cancel(cancelled(plugin, task, options.signal?.reason));
    options.signal?.addEventListener('abort', onAbort, { once: true });

    const settle = () => {
      if (!outcome || !ended || !this.#running.has(running)) return;
      this.#running.delete(running);
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      options.signal?.removeEventListener('abort', onAbort);
      port.close();
      if (stopReason) job.reject(stopReason);
      else if ('error' in outcome) job.reject(threadDied(plugin, task, outcome.error));
      else this.#unwrap(job, outcome.value);
      markSettled();
      this.#pump();
    };

    port.on('message', (raw: unknown) => {
      const parsed = taskToHostSchema.safeParse(raw);
      if (!parsed.success) {
        logger.warn(`protocol violation: task ${JSON.stringify(task)} sent a message outside the task protocol; it was dropped`);
        return;
      }
      const message = parsed.data;
      switch (message.t) {
        case 'progress':
          if (!stopReason) reportProgress(logger, task, options, message.m === undefined ? { value: message.v } : { value: message.v, message: message.m });
          break;
        case 'output':
          this.#options.onOutput(message.s, message.l);
          break;
        case 'end':
          ended = true;
          settle();
          break;
        default:
          throw new Error(`unhandled task message ${JSON.stringify(message satisfies never)}`);
      }
    });
    // The thread closes the port after 'end'; a killed thread closes it too.
    port.on('close', () => {
      ended = true;
      settle();
    });

    this.#piscina.run({ task, params, port: port2 } satisfies TaskRequest, { transferList: [port2], signal: kill.signal }).then(
      (value: unknown) => {
        outcome = { value };
        settle();
      },
      (error: unknown) => {
        outcome = { error };
        // The thread is gone (killed, crashed): no 'end' will come.
        ended = true;
        settle();
      },
    );
  }

  #unwrap(job: Job, value: unknown): void {
    const parsed = resultSchema.safeParse(value);
    if (!parsed.success) {
      job.reject(paddockError('PADDOCK_ERR_PROTOCOL', { plugin: this.plugin, problem: `task ${JSON.stringify(job.task)} answered with something that is not a result` }));
      return;
    }
    if (parsed.data.ok) job.resolve(parsed.data.value);
    else job.reject(deserializeError(parsed.data.error));
  }
}

function cancelled(plugin: string, task: string, reason: unknown): PaddockError {
  if (reason instanceof PaddockError && reason.code === 'PADDOCK_ERR_TASK_CANCELLED') return reason;
  const text = reason === undefined ? 'the caller aborted it'
    : reason instanceof Error ? (reason.name === 'AbortError' ? 'the caller aborted it' : reason.message)
      : String(reason);
  return paddockError('PADDOCK_ERR_TASK_CANCELLED', { plugin, task, reason: text });
}

/** piscina rejects when the thread running the task died: out of memory, or an uncaught error outside the task's promise. */
function threadDied(plugin: string, task: string, error: unknown): PaddockError {
  const call = `task ${JSON.stringify(task)}`;
  const code = (error as { code?: unknown } | undefined)?.code;
  if (code === 'ERR_WORKER_OUT_OF_MEMORY') {
    return paddockError('PADDOCK_ERR_WORKER_EXITED', { plugin, call, reason: 'ran out of memory (in a task thread; limits.maxOldGenerationSizeMb)' }, { cause: error });
  }
  const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return paddockError('PADDOCK_ERR_PLUGIN_THREW', { plugin, where: `${call} (its thread died of an uncaught error)`, reason }, { cause: error, origin: 'plugin' });
}

function reportProgress(logger: Logger, task: string, options: TaskRunOptions, progress: TaskProgress): void {
  try {
    options.onProgress?.(progress);
  } catch (error) {
    logger.error({ err: error }, `the progress listener of task ${JSON.stringify(task)} threw`);
  }
}
