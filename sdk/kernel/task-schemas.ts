/**
 * zod schemas of what a task pool thread sends its pool (task-pool.ts). Only the pool's
 * side loads them (the runtime or the plugin-host process), so the threads never load
 * zod for them.
 */
import { z } from 'zod';
import { OUTPUT_LINE_MAX, PROGRESS_MESSAGE_MAX } from './task-protocol.js';

/** Messages from a pool thread are checked: the thread runs plugin code. */
export const taskMessageSchema = z.discriminatedUnion('t', [
  z.object({ paddockTask: z.number().int().nonnegative(), t: z.literal('progress'), v: z.number().min(0).max(1), m: z.string().max(PROGRESS_MESSAGE_MAX).optional() }).strict(),
  z.object({ paddockTask: z.number().int().nonnegative(), t: z.literal('output'), s: z.enum(['stdout', 'stderr']), l: z.string().max(OUTPUT_LINE_MAX + 100) }).strict(),
]);

export const taskResponseSchema = z.object({
  result: z.union([
    z.object({ ok: z.literal(true), value: z.unknown() }),
    z.object({ ok: z.literal(false), error: z.unknown() }),
  ]),
  posted: z.number().int().nonnegative(),
});
