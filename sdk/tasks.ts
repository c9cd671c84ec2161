/**
 * Stateless tasks: functions the host runs in a pool of worker threads (piscina) of
 * the plugin, each call in a fresh scope, with cancellation, a deadline and progress.
 *
 * A plugin module declares them with a `tasks` export, either the definitions
 * themselves or the URL of a module that exports them (so the pool threads import
 * only what the tasks need, not the whole plugin):
 *
 *   export const tasks = { resize: defineTask({ params: z.object({ … }), run: async (p, ctx) => … }) };
 *   export const tasks = new URL('./tasks.ts', import.meta.url).href;   // tasks.ts: export const tasks = { … }
 *
 * A task has no API client: it gets its params and a TaskContext, and returns plain
 * data. Stateful work belongs in the plugin's actions.
 */
import type { ZodType } from 'zod';

export interface TaskContext {
  /** Aborted when the caller cancels the task or its deadline passes; stop soon after. */
  readonly signal: AbortSignal;
  /**
   * Report progress: `value` from 0 to 1, with an optional message. Reports reach
   * the caller in order, all before the result.
   */
  progress(value: number, message?: string): void;
  /** The plugin's id in the host. */
  readonly plugin: string;
  /** The plugin's private scratch directory. */
  readonly dataDir: string;
  /** The plugin's options, as its entry gives them. */
  readonly options: Readonly<Record<string, unknown>>;
}

export interface TaskDefinition<P = unknown, R = unknown> {
  description?: string;
  /** Checked in the pool thread before `run`; a mismatch fails with PADDOCK_ERR_INVALID_PARAMS. */
  params?: ZodType<P>;
  /** Deadline of one run of this task (default: the plugin's pool.taskTimeoutMs). */
  timeoutMs?: number;
  run(params: P, context: TaskContext): R | Promise<R>;
}

export type Task = TaskDefinition | ((params: unknown, context: TaskContext) => unknown);

/** Typed helper for a task with a zod schema. */
export function defineTask<P, R>(definition: TaskDefinition<P, R>): TaskDefinition<P, R> {
  return definition;
}
