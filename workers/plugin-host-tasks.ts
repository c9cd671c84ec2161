/**
 * Task pools inside the plugin-host process: a plugin whose worker runs here runs its
 * tasks here too, so a task thread that aborts V8 (a fatal out-of-memory,
 * nodejs/node#47224) ends this process, never the application. Each pool is the same
 * TaskPool the runtime runs in the default mode (sdk/kernel/task-pool.ts); this file
 * relays its calls and what it hears over the IPC channel
 * (sdk/kernel/plugin-host-protocol.ts; the runtime's side is
 * runtime/tasks/hosted-task-pool.ts).
 *
 *   runtime  ── pool / run / cancel / pool-end ──▶  TaskPool ──▶ piscina threads (task-worker)
 *            ◀── progress / out / done / pool-beat / log / pool-ended ──
 *
 * What goes up is bounded: output lines and progress messages are cut in the task
 * thread and checked by the pool (task-schemas.ts), a result larger than
 * maxResultBytes is replaced by PADDOCK_ERR_CAP_EXCEEDED here, before it crosses.
 */
import { serialize } from 'node:v8';
import type { Worker } from 'node:worker_threads';
import { paddockError } from '../sdk/errors.js';
import { serializeError } from '../sdk/kernel/serialize-error.js';
import { TaskPool } from '../sdk/kernel/task-pool.js';
import type { PluginHostCommand, PluginHostReport } from '../sdk/kernel/plugin-host-protocol.js';

type PoolCommand = Extract<PluginHostCommand, { t: 'pool' | 'run' | 'cancel' | 'pool-end' }>;

const TASK_WORKER_URL = new URL('./task-worker.js', import.meta.url);
const MB = 1024 * 1024;
/** Task threads are sampled this often while tasks run: if a task aborts this process, the last sample names its plugin. */
const SAMPLE_MS = 100;
/** Counts are sent at least this often while tasks run (not with each result: one IPC message per task is the cost that counts). */
const BEAT_MS = 1_000;
const BUSY = 0.5;

type MeasuredThread = Worker & { getHeapStatistics?: () => Promise<{ used_heap_size: number; heap_size_limit: number }> };

interface HostedPool {
  pool: TaskPool;
  plugin: string;
  maxResultBytes: number;
  /** Runs in flight: their AbortControllers. */
  runs: Map<number, AbortController>;
  timer: NodeJS.Timeout | undefined;
  ending: boolean;
}

const pools = new Map<string, HostedPool>();

export function isPoolCommand(command: PluginHostCommand): command is PoolCommand {
  return command.t === 'pool' || command.t === 'run' || command.t === 'cancel' || command.t === 'pool-end';
}

export function handlePoolCommand(command: PoolCommand, send: (report: PluginHostReport) => void): void {
  switch (command.t) {
    case 'pool':
      startPool(command, send);
      return;
    case 'run':
      run(command, send);
      return;
    case 'cancel':
      pools.get(command.w)?.runs.get(command.id)?.abort(command.reason);
      return;
    case 'pool-end':
      endPool(command, send);
      return;
    default:
      throw new Error(`unhandled pool command ${JSON.stringify((command satisfies never as { t: unknown }).t)}`);
  }
}

function startPool(command: Extract<PoolCommand, { t: 'pool' }>, send: (report: PluginHostReport) => void): void {
  const { w } = command;
  if (pools.has(w)) return;
  const pool = new TaskPool({
    filename: TASK_WORKER_URL,
    boot: command.boot,
    pool: command.pool,
    limits: command.limits,
    tasks: new Map(command.tasks),
    logger: {
      warn: (msg: string) => send({ t: 'log', w, level: 'warn', msg }),
      error: (first: { err: unknown } | string, second?: string) => {
        const msg = typeof first === 'string' ? first : `${second ?? ''}: ${describe(first.err)}`;
        send({ t: 'log', w, level: 'error', msg });
      },
    },
    onOutput: (s, l) => send({ t: 'out', w, s, l }),
  });
  const hosted: HostedPool = { pool, plugin: command.boot.id, maxResultBytes: command.maxResultBytes, runs: new Map(), timer: undefined, ending: false };
  hosted.timer = sampler(hosted, w, send);
  pools.set(w, hosted);
}

function run(command: Extract<PoolCommand, { t: 'run' }>, send: (report: PluginHostReport) => void): void {
  const { w, id, task } = command;
  const hosted = pools.get(w);
  if (!hosted) {
    send({ t: 'done', w, id, ok: false, e: serializeError(new Error(`no task pool ${w} in this plugin-host process`)) });
    return;
  }
  const abort = new AbortController();
  hosted.runs.set(id, abort);
  hosted.pool.run(task, command.params, {
    signal: abort.signal,
    ...(command.timeoutMs === undefined ? {} : { timeoutMs: command.timeoutMs }),
    ...(command.progress ? { onProgress: ({ value, message }) => send(message === undefined ? { t: 'progress', w, id, v: value } : { t: 'progress', w, id, v: value, m: message }) } : {}),
  }).then(
    (value) => {
      const bytes = sizeOf(value);
      if (bytes === undefined) {
        send({ t: 'done', w, id, ok: false, e: serializeError(paddockError('PADDOCK_ERR_PROTOCOL', { plugin: hosted.plugin, problem: `the result of task ${JSON.stringify(task)} cannot be sent to the host (not serializable)` })) });
      } else if (bytes > hosted.maxResultBytes) {
        const error = paddockError('PADDOCK_ERR_CAP_EXCEEDED', { plugin: hosted.plugin, what: `the result of task ${JSON.stringify(task)}`, cap: 'maxCallBytes', detail: `${bytes} bytes, more than ${hosted.maxResultBytes}` });
        send({ t: 'done', w, id, ok: false, e: serializeError(error) });
      } else {
        send({ t: 'done', w, id, ok: true, v: value });
      }
    },
    (error: unknown) => send({ t: 'done', w, id, ok: false, e: serializeError(error) }),
  ).finally(() => {
    hosted.runs.delete(id);
  });
}

function endPool(command: Extract<PoolCommand, { t: 'pool-end' }>, send: (report: PluginHostReport) => void): void {
  const { w } = command;
  const hosted = pools.get(w);
  if (!hosted) {
    send({ t: 'pool-ended', w });
    return;
  }
  if (hosted.ending && command.retire) return;
  hosted.ending = true;
  const ended = command.retire ? hosted.pool.retire() : hosted.pool.close(command.reason);
  ended.catch((error: unknown) => send({ t: 'log', w, level: 'error', msg: `failed to end the task pool: ${describe(error)}` })).finally(() => {
    clearInterval(hosted.timer);
    pools.delete(w);
    send({ t: 'pool-ended', w });
  });
}

/**
 * While tasks run: the pool's counts, and its busiest thread's heap (Node ≥ 22.16 reads it
 * from outside, even while the task runs) and event-loop utilisation. Sent at once while
 * a thread is busy or its heap is filling, so the runtime can name this plugin if a task
 * aborts the process.
 */
function sampler(hosted: HostedPool, w: string, send: (report: PluginHostReport) => void): NodeJS.Timeout {
  const elu = new WeakMap<Worker, ReturnType<Worker['performance']['eventLoopUtilization']>>();
  const heaps = new WeakMap<Worker, [number, number]>();
  const asking = new WeakSet<Worker>();
  let sentAt = 0;
  const timer = setInterval(() => {
    const stats = hosted.pool.stats;
    if (stats.running === 0) return;
    let e = 0;
    let h: [number, number] | undefined;
    for (const thread of hosted.pool.threads as MeasuredThread[]) {
      const current = thread.performance.eventLoopUtilization();
      const previous = elu.get(thread);
      // A thread's first sample covers its life so far: a task that aborts early is still seen busy.
      const measured = previous ? thread.performance.eventLoopUtilization(current, previous).utilization : current.utilization;
      elu.set(thread, current);
      if (Number.isFinite(measured)) e = Math.max(e, Math.min(Math.max(measured, 0), 1));
      const heap = heaps.get(thread);
      if (heap && (!h || heap[0] / Math.max(heap[1], 1) > h[0] / Math.max(h[1], 1))) h = heap;
      if (typeof thread.getHeapStatistics === 'function' && !asking.has(thread)) {
        asking.add(thread);
        thread.getHeapStatistics().then(
          (s) => heaps.set(thread, [Math.round(s.used_heap_size / MB), Math.round(s.heap_size_limit / MB)]),
          () => undefined, // the thread is exiting
        ).finally(() => asking.delete(thread));
      }
    }
    const now = Date.now();
    const filling = h !== undefined && h[1] > 0 && h[0] / h[1] >= BUSY;
    if (now - sentAt >= BEAT_MS || e >= BUSY || filling) {
      sentAt = now;
      send(h ? { t: 'pool-beat', w, ...stats, h, e } : { t: 'pool-beat', w, ...stats, e });
    }
  }, SAMPLE_MS);
  timer.unref();
  return timer;
}

/** Bytes the value takes in the structured-clone format, as the IPC channel would send it. */
function sizeOf(value: unknown): number | undefined {
  try {
    return serialize(value).byteLength;
  } catch (error) {
    // It came from the task thread by structured clone, so this is not expected; the caller says so.
    void error;
    return undefined;
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
