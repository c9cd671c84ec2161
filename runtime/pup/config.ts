/**
 * The process host's config file: Paddock's config (`plugins`) plus the `processes`
 * to supervise, the way Pup's `pup.json` holds both. One zod schema; every mistake is
 * reported with its path (`processes[1].cmd`).
 */
import { configSchema, z } from '../index.js';

export const RESTART_POLICIES = ['always', 'error', 'never'] as const;
export type RestartPolicy = (typeof RESTART_POLICIES)[number];

export const processSchema = z.object({
  id: z.string()
    .regex(/^[a-z0-9][a-z0-9._-]{0,63}$/i, 'expected letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)')
    .refine((id) => id !== 'all', '"all" is reserved: it means every process')
    .describe('Id of the process, used by plugins (startProcess(id), …) and in the log'),
  cmd: z.union([
    z.string().min(1, 'expected a command line'),
    z.array(z.string()).min(1, 'expected [program, ...args]'),
  ], { error: 'expected a command line (a string) or [program, ...args] (an array of strings)' }).describe('A command line run by the shell, or [program, ...args] run without a shell'),
  cwd: z.string().min(1).optional().describe('Working directory, relative to the config file (default: its folder)'),
  env: z.record(z.string(), z.string()).optional().describe('Extra environment variables'),
  autostart: z.boolean().optional().describe('Start with the host'),
  restart: z.enum(RESTART_POLICIES).optional()
    .describe('When to restart after the process exits by itself: always, on error (non-zero exit), never (default: always with autostart, else never)'),
  restartDelayMs: z.number().int().min(0).max(86_400_000).optional().describe('Delay before a restart (default 10000)'),
  restartLimit: z.number().int().min(0).max(1_000_000).optional().describe('Restarts allowed before the process is exhausted'),
  stopTimeoutMs: z.number().int().positive().max(600_000).optional()
    .describe('After SIGTERM, how long to wait before SIGKILL (default 5000)'),
  watch: z.array(z.string().min(1)).optional().describe('Files or folders (relative to cwd) whose change restarts the process'),
}).strict();

export type ProcessConfig = z.infer<typeof processSchema>;

export const processHostConfigSchema = configSchema.extend({
  processes: z.array(processSchema).default([]).describe('The processes to supervise'),
}).superRefine((config, ctx) => {
  const seen = new Map<string, number>();
  config.processes.forEach((process, index) => {
    const first = seen.get(process.id);
    if (first === undefined) seen.set(process.id, index);
    else ctx.addIssue({ code: 'custom', path: ['processes', index, 'id'], message: `duplicate process id ${JSON.stringify(process.id)} (also processes[${first}].id)` });
  });
});

export type ProcessHostConfig = z.infer<typeof processHostConfigSchema>;
