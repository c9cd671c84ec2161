/** What a caller passes to run a task, and what it hears back while the task runs (defined with the pool, sdk/kernel/task-pool.ts). */
export type { TaskProgress, TaskRunOptions } from '../../sdk/kernel/task-pool.js';
