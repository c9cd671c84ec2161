/** What a caller passes to run a task, and what it hears back while the task runs. */

export interface TaskProgress {
  /** From 0 to 1. */
  value: number;
  message?: string;
}

export interface TaskRunOptions {
  /** Cancel the task: it is told (its AbortSignal fires), then stopped after the grace period. */
  signal?: AbortSignal;
  /** Progress reports, in the order the task made them, all before the result. */
  onProgress?: (progress: TaskProgress) => void;
  /** Deadline of this run, from when it starts (default: the task's own, else pool.taskTimeoutMs). */
  timeoutMs?: number;
}
