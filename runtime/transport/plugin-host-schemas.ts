/**
 * zod schema of what a plugin-host process sends the runtime
 * (sdk/kernel/plugin-host-protocol.ts). The process runs runtime code, but plugin
 * threads run inside it: its reports are checked like any other crossing, and the
 * channel payloads again by the transport (wire-schemas.ts).
 */
import { z } from 'zod';
import { CHANNELS } from '../../sdk/kernel/protocol.js';
import { PROGRESS_MESSAGE_MAX } from '../../sdk/kernel/task-protocol.js';

const workerKey = z.string().min(1).max(400);
const taskId = z.number().int().positive();

export const pluginHostReportSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('ready'), protocol: z.number() }),
  z.object({ t: z.literal('msg'), w: workerKey, c: z.enum(CHANNELS), b: z.instanceof(Uint8Array) }),
  z.object({
    t: z.literal('beat'),
    w: workerKey,
    b: z.number().int(),
    m: z.number().nonnegative(),
    h: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).optional(),
    e: z.number().min(0).max(1),
  }),
  // Cut where they are read: a worker's at caps.maxOutputLineBytes, a task's at OUTPUT_LINE_MAX.
  z.object({ t: z.literal('out'), w: workerKey, s: z.enum(['stdout', 'stderr']), l: z.string() }),
  z.object({ t: z.literal('violation'), w: workerKey, p: z.string().max(1_000), stop: z.boolean() }),
  z.object({
    t: z.literal('exit'),
    w: workerKey,
    code: z.number().int(),
    error: z.object({ name: z.string().max(1_024), message: z.string().max(20_000), stack: z.string().max(20_000).optional(), code: z.string().max(1_024).optional() }).optional(),
  }),
  z.object({ t: z.literal('warm'), n: z.number().int().nonnegative(), gaveUp: z.boolean(), took: workerKey.optional() }),
  // Task pools (workers/plugin-host-tasks.ts): one per plugin, keyed like a worker.
  z.object({ t: z.literal('progress'), w: workerKey, id: taskId, v: z.number().min(0).max(1), m: z.string().max(PROGRESS_MESSAGE_MAX).optional() }),
  // A result is capped (maxCallBytes) in the plugin-host process before it is sent.
  // ok: v is the value; else e is the error as data (sdk/kernel/serialize-error.ts, read defensively).
  z.object({ t: z.literal('done'), w: workerKey, id: taskId, ok: z.boolean(), v: z.unknown().optional(), e: z.object({ name: z.string(), message: z.string() }).passthrough().optional() }),
  z.object({
    t: z.literal('pool-beat'),
    w: workerKey,
    running: z.number().int().nonnegative(),
    waiting: z.number().int().nonnegative(),
    threads: z.number().int().nonnegative(),
    h: z.tuple([z.number().nonnegative(), z.number().nonnegative()]).optional(),
    e: z.number().min(0).max(1),
  }),
  z.object({ t: z.literal('log'), w: workerKey, level: z.enum(['warn', 'error']), msg: z.string().max(20_000) }),
  z.object({ t: z.literal('pool-ended'), w: workerKey }),
]);
