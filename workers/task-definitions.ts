/**
 * Finding a plugin's tasks: the `tasks` export of its module, which holds either the
 * task definitions or the URL of a module that exports them (`export const tasks =
 * new URL('./tasks.ts', import.meta.url).href`). Used by the plugin worker (to list
 * them for the host) and by the pool threads (to run them).
 */
import type { Task, TaskDefinition } from '../sdk/tasks.js';
import type { TaskInfo } from '../sdk/kernel/protocol.js';
import { describeSchema } from './describe-schema.js';

export interface TaskTable {
  /** file: URL of the module holding the definitions. */
  moduleUrl: string;
  tasks: ReadonlyMap<string, TaskDefinition>;
}

export function asTaskDefinition(task: Task): TaskDefinition {
  return typeof task === 'function' ? { run: task } : task;
}

function table(moduleUrl: string, value: unknown): TaskTable {
  const tasks = new Map<string, TaskDefinition>();
  if (typeof value === 'object' && value !== null) {
    for (const [name, task] of Object.entries(value as Record<string, Task>)) {
      const definition = asTaskDefinition(task);
      if (typeof definition?.run === 'function') tasks.set(name, definition);
    }
  }
  return { moduleUrl, tasks };
}

/**
 * The task table of an imported plugin module, or undefined when it exports no
 * `tasks`. A URL export is imported (one level: that module's `tasks` must be the definitions).
 */
export async function loadTaskTable(mod: Record<string, unknown>, moduleUrl: string): Promise<TaskTable | undefined> {
  const exported = mod.tasks;
  if (exported === undefined || exported === null) return undefined;
  if (typeof exported === 'string' || exported instanceof URL) {
    const url = new URL(String(exported), moduleUrl).href;
    const inner = await import(url) as Record<string, unknown>;
    return table(url, inner.tasks);
  }
  return table(moduleUrl, exported);
}

export function describeTasks(tasks: TaskTable): TaskInfo[] {
  return [...tasks.tasks].map(([name, definition]) => {
    const info: TaskInfo = { name };
    if (typeof definition.description === 'string') info.description = definition.description;
    const params = describeSchema(definition.params);
    if (params !== undefined) info.params = params;
    const timeoutMs = definition.timeoutMs;
    if (typeof timeoutMs === 'number' && Number.isInteger(timeoutMs) && timeoutMs > 0) info.timeoutMs = timeoutMs;
    return info;
  });
}
