/**
 * The parts of a plugin entry that choose and tune its model beyond "a module in a
 * worker": the task pool (`pool`), a Heartbeat-style collector (`collector`), and
 * external executables (`exec` and the fields that go with it). schema.ts adds them
 * to the entry; checkEntryModel says, with the path, when they do not fit together.
 */
import { z } from 'zod';

const positiveMs = (description: string) => z.number().int().positive().max(86_400_000).describe(description);

export const TASK_NAME_PATTERN = /^[A-Za-z_][\w.-]{0,63}$/;

/** The pool of threads a plugin's stateless tasks run in (runtime/tasks/). */
export const poolSchema = z.object({
  size: z.number().int().min(1).max(64).optional()
    .describe('Threads running tasks at once (default: half the CPUs, at least 1)'),
  queueLimit: z.number().int().min(0).max(1_000_000).optional()
    .describe('Tasks waiting for a thread before more are refused with PADDOCK_ERR_TASK_QUEUE_FULL (default 100)'),
  idleTimeoutMs: positiveMs('An idle thread ends after this long (default 30000)').optional(),
  taskTimeoutMs: positiveMs('Deadline of one task, from when it starts running (default 60000); a task may set its own').optional(),
  cancelGraceMs: positiveMs('After a cancel or a timeout, how long a task may take to stop before its thread is terminated (default 1000)').optional(),
}).strict().describe('The task pool of the plugin');

export type PoolConfig = z.infer<typeof poolSchema>;

/** A Heartbeat-style collector (InfoPlugin, MonitorPlugin). */
export const collectorSchema = z.object({
  enabled: z.boolean().optional().describe('Set false to load the plugin without collecting (default true)'),
  interval: z.number().min(0.01).max(86_400).optional()
    .describe('Seconds between two collections of a monitor (default: the plugin class\'s interval, else 60)'),
  timeoutMs: positiveMs('Deadline of one collection; a later result is abandoned (default: the interval, at most limits.callTimeoutMs)').optional(),
  maxResultBytes: z.number().int().min(16).max(16_777_216).optional()
    .describe('Largest result accepted, as JSON bytes (default 65536)'),
}).strict().describe('Collection settings of an InfoPlugin or MonitorPlugin');

export type CollectorConfig = z.infer<typeof collectorSchema>;

export const ERR_LOG_LEVELS = ['debug', 'info', 'warn', 'error'] as const;

/** A task of an external plugin: each run is a process of its own, `exec` + `execArgs`. */
export const externalTaskSchema = z.object({
  name: z.string().regex(TASK_NAME_PATTERN, 'expected a name of letters, digits, "_", "." or "-" (at most 64, not starting with a digit)'),
  description: z.string().max(1000).optional(),
  execArgs: z.array(z.string()).optional().describe('Arguments added after the entry\'s exec for this task'),
  params: z.record(z.string(), z.unknown()).optional().describe('JSON Schema the params are checked against before the process starts'),
  timeoutMs: positiveMs('Deadline of one run (default: limits.callTimeoutMs)').optional(),
}).strict();

export type ExternalTask = z.infer<typeof externalTaskSchema>;

export const externalMetaSchema = z.object({
  name: z.string().min(1).optional(),
  version: z.string().min(1).optional(),
  api: z.string().min(1).optional(),
  repository: z.string().min(1).optional(),
}).strict();

/** Fields of an entry whose plugin is an executable (Stash / Digital Rebar style). */
export const execEntryFields = {
  exec: z.array(z.string().min(1)).min(1, 'expected [command, ...args]').optional()
    .describe('An external plugin: [command, ...args]; "{pluginDir}" is replaced by the plugin\'s folder; the command is looked up in that folder, then on PATH'),
  interface: z.enum(['raw', 'rpc']).optional()
    .describe('raw: JSON on stdin, output on stdout, one process per task (default); rpc: JSON-RPC 2.0 over stdio, a long-lived process'),
  dir: z.string().min(1).optional().describe('The plugin\'s folder, relative to the config file (default: the config file\'s folder)'),
  errLog: z.enum(ERR_LOG_LEVELS).optional().describe('Log level of stderr lines without a level prefix (default error)'),
  env: z.record(z.string(), z.string()).optional()
    .describe('Environment variables for the process, besides PATH, HOME, LANG, TMPDIR and PADDOCK_*'),
  meta: externalMetaSchema.optional().describe('A raw plugin\'s meta (an rpc plugin reports its own from initialize)'),
  tasks: z.array(externalTaskSchema).optional().describe('Tasks of an external plugin (a raw plugin without tasks has one: "run")'),
};

const EXEC_ONLY = ['interface', 'dir', 'errLog', 'env', 'meta', 'tasks'] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

interface EntryShape {
  url?: string | undefined;
  env?: Record<string, string> | undefined;
  exec?: string[] | undefined;
  interface?: string | undefined;
  pool?: unknown;
  meta?: unknown;
  tasks?: Array<{ name: string }> | undefined;
  [key: string]: unknown;
}

/** An entry is a module (`url`) or an executable (`exec`), with the fields of its kind. */
export function checkEntryModel(entry: EntryShape, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (entry.url === undefined && entry.exec === undefined) {
    issue(['url'], 'expected "url" (a plugin module: a path, file:, npm: or jsr:) or "exec" (an external executable)');
    return;
  }
  if (entry.url !== undefined && entry.exec !== undefined) {
    issue(['exec'], 'an entry has "url" (a plugin module) or "exec" (an external executable), not both');
    return;
  }
  if (entry.url !== undefined) {
    for (const key of EXEC_ONLY) if (entry[key] !== undefined) issue([key], 'only an external plugin ("exec") has this field');
    return;
  }
  if (entry.pool !== undefined) issue(['pool'], 'an external plugin runs each task in a process of its own; "pool" is for "url" plugins');
  if (entry.meta !== undefined && entry.interface === 'rpc') issue(['meta'], 'an rpc plugin reports its meta from initialize');
  for (const name of Object.keys(entry.env ?? {})) {
    if (!ENV_NAME.test(name)) issue(['env', name], 'expected an environment variable name (letters, digits and "_", not starting with a digit)');
  }
  const seen = new Map<string, number>();
  entry.tasks?.forEach((task, index) => {
    const first = seen.get(task.name);
    if (first === undefined) seen.set(task.name, index);
    else issue(['tasks', index, 'name'], `duplicate task name ${JSON.stringify(task.name)} (also tasks[${first}].name)`);
  });
}
