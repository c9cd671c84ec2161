/**
 * The wire protocol between a plugin's task pool (runtime/tasks/task-pool.ts) and its
 * pool threads (workers/task-worker.ts, run by piscina).
 *
 *   host                                    pool thread
 *   ────                                    ───────────
 *   workerData: TaskWorkerData   ─────────▶ module hooks, sandbox, import the tasks module
 *   piscina.run(TaskRequest)     ─────────▶ one task
 *   task port   ── { t: 'cancel' } ──────▶  the task's AbortSignal fires
 *               ◀─ { t: 'progress' } ────   ctx.progress(value, message), in order
 *               ◀─ { t: 'output' } ──────   what the task printed (stdout / stderr lines)
 *               ◀─ { t: 'end' } ─────────   posted before the result: every report came first
 *   piscina result: Result<unknown>   ◀──   errors travel as data (sdk/internal/serialize-error.ts)
 *
 * Each task gets its own MessageChannel: nothing else in the process can post on it.
 */
import type { MessagePort } from 'node:worker_threads';
import { z } from 'zod';
import type { PluginBoot } from './protocol.js';

/** What a pool thread knows of its plugin: the boot record minus the API link. */
export type TaskBoot = Pick<PluginBoot, 'id' | 'url' | 'moduleUrl' | 'options' | 'dataDir' | 'extensions'>;

export interface TaskWorkerData {
  paddockTaskWorker: 1;
  boot: TaskBoot;
}

export interface TaskRequest {
  task: string;
  params: unknown;
  port: MessagePort;
}

export type HostToTaskMessage = { t: 'cancel'; reason: string };

export type TaskToHostMessage =
  | { t: 'progress'; v: number; m?: string }
  | { t: 'output'; s: 'stdout' | 'stderr'; l: string }
  | { t: 'end' };

export const PROGRESS_MESSAGE_MAX = 1_000;
export const OUTPUT_LINE_MAX = 8_192;

/** Messages from a pool thread are checked: the thread runs plugin code. */
export const taskToHostSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('progress'), v: z.number().min(0).max(1), m: z.string().max(PROGRESS_MESSAGE_MAX).optional() }).strict(),
  z.object({ t: z.literal('output'), s: z.enum(['stdout', 'stderr']), l: z.string().max(OUTPUT_LINE_MAX + 100) }).strict(),
  z.object({ t: z.literal('end') }).strict(),
]);
