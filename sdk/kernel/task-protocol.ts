/**
 * The wire protocol between a plugin's task pool (sdk/kernel/task-pool.ts, run by the runtime or by a plugin-host process) and its
 * pool threads (workers/task-worker.ts, run by piscina). It adds nothing to a task that
 * reports nothing: no channel to create, no extra message.
 *
 *   host                                      pool thread
 *   ────                                      ───────────
 *   workerData: TaskWorkerData     ─────────▶ module hooks, sandbox, import the tasks module
 *   piscina.run(TaskRequest)       ─────────▶ one task, with its id and its cancel slot
 *   cancel slots (SharedArrayBuffer) ───────▶ polled while the task runs: its AbortSignal fires
 *   pool 'message' (parentPort)    ◀─────────  { id, t: 'progress' | 'output' }, in order
 *   piscina result: TaskResponse   ◀─────────  Result<unknown> and how many messages came before it
 *
 * The host settles a task once it has its result and all the messages it announced,
 * so every progress report reaches the caller before the result.
 */
import type { SerializedError } from './serialize-error.js';
import type { PluginBoot } from './protocol.js';

/** What a pool thread knows of its plugin: the boot record minus the API link. */
export type TaskBoot = Pick<PluginBoot, 'id' | 'url' | 'moduleUrl' | 'options' | 'dataDir' | 'sandbox' | 'packageImports' | 'maxSendBytes'>;

export interface TaskWorkerData {
  paddockTaskWorker: 1;
  boot: TaskBoot;
  /** Int32 pairs, one per running task: [task id, cancel reason]; see CANCEL_REASONS. */
  cancelSlots: SharedArrayBuffer;
}

/** Why a task is asked to stop (the second Int32 of its slot). */
export const CANCEL_REASONS = ['', 'the caller aborted it', 'it ran past its deadline', 'the plugin stopped'] as const;

/** How often a running task's thread looks at its cancel slot (ms). */
export const CANCEL_POLL_MS = 20;

export interface TaskRequest {
  /** Unique per pool; tags the task's messages. */
  id: number;
  /** Index of the task's pair in the cancel slots. */
  slot: number;
  task: string;
  params: unknown;
}

export interface TaskResponse {
  result: { ok: true; value: unknown } | { ok: false; error: SerializedError };
  /** Messages the task posted before this response. */
  posted: number;
}

export type TaskMessage =
  | { paddockTask: number; t: 'progress'; v: number; m?: string }
  | { paddockTask: number; t: 'output'; s: 'stdout' | 'stderr'; l: string };

export const PROGRESS_MESSAGE_MAX = 1_000;
export const OUTPUT_LINE_MAX = 8_192;
