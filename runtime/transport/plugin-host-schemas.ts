/**
 * zod schema of what a plugin-host process sends the runtime
 * (sdk/kernel/plugin-host-protocol.ts). The process runs runtime code, but plugin
 * threads run inside it: its reports are checked like any other crossing, and the
 * channel payloads again by the transport (wire-schemas.ts).
 */
import { z } from 'zod';
import { CHANNELS } from '../../sdk/kernel/protocol.js';

const workerKey = z.string().min(1).max(400);

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
  z.object({ t: z.literal('out'), w: workerKey, s: z.enum(['stdout', 'stderr']), l: z.string() }),
  z.object({ t: z.literal('violation'), w: workerKey, p: z.string().max(1_000), stop: z.boolean() }),
  z.object({
    t: z.literal('exit'),
    w: workerKey,
    code: z.number().int(),
    error: z.object({ name: z.string(), message: z.string(), stack: z.string().optional(), code: z.string().optional() }).optional(),
  }),
  z.object({ t: z.literal('warm'), n: z.number().int().nonnegative(), gaveUp: z.boolean(), took: workerKey.optional() }),
]);
