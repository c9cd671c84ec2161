/**
 * The Pup profile's config file: Paddock's config (`plugins`) plus everything Pup's
 * `pup.json` holds (Pup 1.0.4's schema, key for key), so a Pup config loads as it is.
 * One zod schema; every mistake is reported with its path (`processes[1].cmd`).
 *
 * Keys the profile accepts but does not carry out (`cluster`, `logger`, `api`, …) are
 * listed by unimplementedKeys() and the host warns about them once, naming each; they
 * are never refused (docs/reference/pup-compatibility.md has the table of differences and reasons).
 */
import { configSchema, pluginEntrySchema, z } from '../index.js';

export const RESTART_POLICIES = ['always', 'error', 'never'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

// Pup's cron and terminate patterns: 9 to 256 characters, checked again by croner at start.
const cronPattern = (what: string) => z.string().min(9, 'expected a cron pattern such as "*/5 * * * * *"').max(256).describe(what);
const seconds = (what: string) => z.number().min(0).max(86_400).describe(what);

const processLoggerSchema = z.object({
  console: z.boolean().optional(),
  stdout: z.string().optional(),
  stderr: z.string().optional(),
  colors: z.boolean().optional(),
  decorateFiles: z.boolean().optional(),
  decorate: z.boolean().optional(),
}).strict().describe("Pup's per-process log options (accepted, not implemented: the host logs through pino)");

export const processSchema = z.object({
  id: z.string()
    .regex(/^[a-z0-9@][a-z0-9@._-]{0,63}$/i, 'expected letters, digits, "@", ".", "_" or "-" (at most 64)')
    .refine((id) => id !== 'all', '"all" is reserved: it means every process')
    .describe('Id of the process, used by plugins (startProcess(id), …) and in the log'),
  cmd: z.union([
    z.string().min(1, 'expected a command line'),
    z.array(z.string()).min(1, 'expected [program, ...args]'),
  ], { error: 'expected a command line (a string) or [program, ...args] (an array of strings)' }).optional()
    .describe('A command line run by the shell, or [program, ...args] run without a shell'),
  worker: z.array(z.string()).min(1, 'expected [script, ...args]').optional()
    .describe('[script, ...args]: a JavaScript file run by this Node.js (Pup runs it in a Deno worker)'),
  cwd: z.string().min(1).optional().describe('Working directory, relative to the config file (default: its folder)'),
  env: z.record(z.string(), z.string()).optional().describe('Extra environment variables'),
  path: z.string().optional().describe('Appended to PATH of the process'),
  cluster: z.object({
    instances: z.number().int().min(0).max(65_535).optional(),
    commonPort: z.number().int().min(1).max(65_535).optional(),
    startPort: z.number().int().min(1).max(65_535).optional(),
    strategy: z.enum(['ip-hash', 'round-robin', 'least-connections']).optional(),
  }).strict().optional().describe("Pup's cluster (accepted, not implemented: one instance runs)"),
  pidFile: z.string().optional().describe('Accepted as in Pup 1.0.4, which does not write it either'),
  autostart: z.boolean().optional().describe('Start with the host'),
  watch: z.array(z.string().min(1)).optional().describe('Files or folders (relative to cwd) whose change restarts the process'),
  cron: cronPattern('Start the process on this cron pattern (croner syntax, seconds optional)').optional(),
  terminate: cronPattern('Stop the process on this cron pattern').optional(),
  terminateTimeout: seconds('After SIGTERM, seconds to wait before SIGKILL (Pup: 30)').optional(),
  terminateGracePeriod: seconds('Seconds to wait before sending SIGTERM (Pup: 0)').optional(),
  timeout: z.number().min(1).max(31_536_000).optional().describe('Stop the process after it ran this many seconds'),
  overrun: z.boolean().optional().describe('Let a cron start begin a new run while the last one still runs'),
  logger: processLoggerSchema.optional(),
  restart: z.enum(RESTART_POLICIES).optional()
    .describe('When to restart after the process exits by itself: always, on error (non-zero exit), never (default: always with autostart or watch, else never)'),
  restartDelayMs: z.number().int().min(0).max(86_400_000).optional().describe('Delay before a restart (default 10000, 500 when watched)'),
  restartLimit: z.number().int().min(0).max(1_000_000).optional().describe('Restarts allowed before the process is exhausted'),
  stopTimeoutMs: z.number().int().positive().max(600_000).optional()
    .describe('After SIGTERM, how long to wait before SIGKILL, in ms (Paddock; wins over terminateTimeout)'),
}).strict().superRefine((process, ctx) => {
  if (process.cmd === undefined && process.worker === undefined) {
    ctx.addIssue({ code: 'custom', path: ['cmd'], message: 'expected cmd (a command line) or worker ([script, ...args])' });
  } else if (process.cmd !== undefined && process.worker !== undefined) {
    ctx.addIssue({ code: 'custom', path: ['worker'], message: 'a process has cmd or worker, not both' });
  }
});

export type ProcessConfig = z.infer<typeof processSchema>;

export const processHostConfigSchema = configSchema.extend({
  plugins: z.array(pluginEntrySchema).default([]).describe('The plugins to load'),
  processes: z.array(processSchema).default([]).describe('The processes to supervise'),
  name: z.string().min(1).max(64).regex(/^[a-z0-9@._-]+$/i, 'expected letters, digits, "@", ".", "_" or "-"').optional()
    .describe('Name of this instance, shown in the log'),
  terminateTimeout: seconds('Default terminateTimeout of every process, in seconds').optional(),
  terminateGracePeriod: seconds('Default terminateGracePeriod of every process, in seconds').optional(),
  api: z.object({
    hostname: z.string().optional(),
    port: z.number().int().min(0).max(65_535).optional(),
    revoked: z.array(z.string()).optional(),
  }).strict().optional().describe("Pup's REST API (accepted, not implemented: plugins reach the host over their channel)"),
  logger: processLoggerSchema.extend({ internalLogHours: z.number().min(0).max(366).optional() }).strict().optional()
    .describe("Pup's log options (accepted, not implemented: the host logs through pino)"),
  watcher: z.object({
    interval: z.number().optional(),
    exts: z.array(z.string()).optional(),
    match: z.array(z.string()).optional(),
    skip: z.array(z.string()).optional(),
  }).strict().optional().describe("Pup's watcher options (accepted, not implemented: any change under a watched path counts)"),
}).superRefine((config, ctx) => {
  const seen = new Map<string, number>();
  config.processes.forEach((process, index) => {
    const first = seen.get(process.id);
    if (first === undefined) seen.set(process.id, index);
    else ctx.addIssue({ code: 'custom', path: ['processes', index, 'id'], message: `duplicate process id ${JSON.stringify(process.id)} (also processes[${first}].id)` });
  });
});

export type ProcessHostConfig = z.infer<typeof processHostConfigSchema>;

const UNIMPLEMENTED_TOP = ['api', 'logger', 'watcher'] as const;
const UNIMPLEMENTED_PROCESS = ['cluster', 'pidFile', 'logger'] as const;

/** Paths of the keys the config sets that this profile accepts but does not carry out. */
export function unimplementedKeys(config: ProcessHostConfig): string[] {
  const keys: string[] = UNIMPLEMENTED_TOP.filter((key) => config[key] !== undefined);
  config.processes.forEach((process, index) => {
    for (const key of UNIMPLEMENTED_PROCESS) if (process[key] !== undefined) keys.push(`processes[${index}].${key}`);
  });
  return keys;
}

/** SIGKILL this long after SIGTERM: stopTimeoutMs, else Pup's terminateTimeout (process, then top level). */
export function stopTimeoutMsOf(process: ProcessConfig, config: Pick<ProcessHostConfig, 'terminateTimeout'>, fallbackMs: number): number {
  if (process.stopTimeoutMs !== undefined) return process.stopTimeoutMs;
  const s = process.terminateTimeout ?? config.terminateTimeout;
  return s === undefined ? fallbackMs : s * 1000;
}
