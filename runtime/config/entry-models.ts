/**
 * The parts of a plugin entry that choose and tune its model beyond "a module in a
 * worker": the task pool (`pool`), a Heartbeat-style collector (`collector`), and
 * external executables (`exec` and the fields that go with it). schema.ts builds the
 * two kinds of entry from them; checkEntryKind says, with the path, when an entry mixes
 * the fields of both.
 */
import { z } from 'zod';
import { BRANCH_KEY_MISSING } from './format-issues.js';

const positiveMs = (description: string) => z.number().int().positive().max(86_400_000).describe(description);

export const TASK_NAME_PATTERN = /^[A-Za-z_][\w.-]{0,63}$/;

/** The pool of threads a plugin's stateless tasks run in (runtime/tasks/). */
export const poolSchema = z.object({
  // The one default that depends on the machine: filled where the pool is made (runtime/tasks/task-runner.ts).
  size: z.number().int().min(1).max(64).optional()
    .describe('Threads running tasks at once (default: half the CPUs, at least 1)'),
  queueLimit: z.number().int().min(0).max(1_000_000)
    .describe('Tasks waiting for a thread before more are refused with PADDOCK_ERR_TASK_QUEUE_FULL').default(100),
  idleTimeoutMs: positiveMs('An idle thread ends after this long').default(30_000),
  taskTimeoutMs: positiveMs('Deadline of one task, from when it starts running; a task may set its own').default(60_000),
  cancelGraceMs: positiveMs('After a cancel or a timeout, how long a task may take to stop before its thread is terminated').default(1_000),
}).strict().describe('The task pool of the plugin');

export type PoolConfig = z.infer<typeof poolSchema>;

/** A Heartbeat-style collector (InfoPlugin, MonitorPlugin). */
export const collectorSchema = z.object({
  enabled: z.boolean().describe('Set false to load the plugin without collecting').default(true),
  interval: z.number().min(0.01).max(86_400).optional()
    .describe('Seconds between two collections of a monitor (default: the plugin class\'s interval, else 60)'),
  timeoutMs: positiveMs('Deadline of one collection; a later result is abandoned (default: the interval, at most limits.callTimeoutMs)').optional(),
  maxResultBytes: z.number().int().min(16).max(16_777_216)
    .describe('Largest result accepted, as JSON bytes').default(65_536),
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

/** `exec`: the key that makes an entry an external plugin (schema.ts passes the error for a missing one). */
export function execSchema(params: Parameters<typeof z.array>[1]) {
  return z.array(z.string().min(1), params).min(1, 'expected [command, ...args]')
    .describe('An external plugin: [command, ...args]; "{pluginDir}" is replaced by the plugin\'s folder; the command is looked up in that folder, then on PATH');
}

/** The fields of an entry whose plugin is an executable, besides `exec`. */
export const execEntryFields = {
  interface: z.enum(['raw', 'rpc'])
    .describe('raw: JSON on stdin, output on stdout, one process per task; rpc: JSON-RPC 2.0 over stdio, a long-lived process').default('raw'),
  dir: z.string().min(1).describe('The plugin\'s folder, relative to the config file (default: the config file\'s folder)').default('.'),
  errLog: z.enum(ERR_LOG_LEVELS).describe('Log level of stderr lines without a level prefix').default('error'),
  env: z.record(z.string(), z.string())
    .describe('Environment variables for the process, besides PATH, HOME, LANG, TMPDIR and PADDOCK_*').default({}),
  meta: externalMetaSchema.optional().describe('A raw plugin\'s meta (an rpc plugin reports its own from initialize)'),
  tasks: z.array(externalTaskSchema).optional().describe('Tasks of an external plugin (a raw plugin without tasks has one: "run")'),
};

const EXEC_ONLY = ['interface', 'dir', 'errLog', 'env', 'meta', 'tasks'] as const;
const MODULE_ONLY = ['pool'] as const;

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/**
 * Before the union: an entry is a module (`url`) or an executable (`exec`), and has only
 * the fields of its kind. Said here, with the field's path, because the union alone could
 * only say that the entry matches neither kind.
 */
export function checkEntryKind(value: unknown, ctx: { addIssue(issue: { code: 'custom'; path: PropertyKey[]; message: string; input: unknown }): void }): unknown {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  const entry = value as Record<string, unknown>;
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message, input: value });
  const hasUrl = entry.url !== undefined;
  const hasExec = entry.exec !== undefined;
  if (!hasUrl && !hasExec) {
    issue(['url'], BRANCH_KEY_MISSING);
  } else if (hasUrl && hasExec) {
    issue(['exec'], 'an entry has "url" (a plugin module) or "exec" (an external executable), not both');
  } else if (hasUrl) {
    for (const key of EXEC_ONLY) if (entry[key] !== undefined) issue([key], 'only an external plugin ("exec") has this field');
  } else {
    for (const key of MODULE_ONLY) if (entry[key] !== undefined) issue([key], 'an external plugin runs each task in a process of its own; "pool" is for "url" plugins');
  }
  return value;
}

/** The rules of an exec entry that span its fields. */
export function checkExecEntry(entry: { interface: 'raw' | 'rpc'; meta?: unknown; env: Record<string, string>; tasks?: Array<{ name: string }> | undefined }, ctx: z.RefinementCtx): void {
  const issue = (path: PropertyKey[], message: string) => ctx.addIssue({ code: 'custom', path, message });
  if (entry.meta !== undefined && entry.interface === 'rpc') issue(['meta'], 'an rpc plugin reports its meta from initialize');
  for (const name of Object.keys(entry.env)) {
    if (!ENV_NAME.test(name)) issue(['env', name], 'expected an environment variable name (letters, digits and "_", not starting with a digit)');
  }
  const seen = new Map<string, number>();
  entry.tasks?.forEach((task, index) => {
    const first = seen.get(task.name);
    if (first === undefined) seen.set(task.name, index);
    else issue(['tasks', index, 'name'], `duplicate task name ${JSON.stringify(task.name)} (also tasks[${first}].name)`);
  });
}
