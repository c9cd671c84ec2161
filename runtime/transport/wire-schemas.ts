/**
 * zod schemas of what a plugin sends the host (worker thread or child process). They
 * live on the host side only: the worker never loads zod for them (zod costs a plugin
 * thread about 55 ms and 6 MB to load).
 */
import { z } from 'zod';
import { PERMISSION_NAMES } from '../../sdk/kernel/sandbox-data.js';
import { CHANNELS, HOST_ENDPOINT_METHODS } from '../../sdk/kernel/protocol.js';

/** A denial report as the host accepts it from a plugin. */
export const denialReportSchema = z.object({
  permission: z.enum(PERMISSION_NAMES),
  access: z.string().max(100),
  resource: z.string().max(4096),
}).strict();

export const childProcessMessageSchema = z.discriminatedUnion('t', [
  z.object({ t: z.literal('booted'), protocol: z.number() }),
  z.object({ t: z.literal('beat'), n: z.number().int(), m: z.number().nonnegative() }),
  z.object({ t: z.literal('msg'), c: z.enum(CHANNELS), d: z.unknown() }),
]);

/**
 * A Comlink request arriving from a plugin on the `api` port. Only APPLY on one of
 * the listed methods with raw (non-proxy) arguments gets through: GET/SET/CONSTRUCT
 * would let a plugin walk or modify the host's objects (`__proto__`, `constructor`),
 * and a HANDLER argument would smuggle a proxy to a plugin port into the host.
 */
export const apiRequestSchema = z.object({
  id: z.string().min(1).max(200),
  type: z.literal('APPLY'),
  path: z.tuple([z.enum(HOST_ENDPOINT_METHODS)]),
  argumentList: z.array(z.object({ type: z.literal('RAW'), value: z.unknown() })).max(3),
});

/** A Comlink reply arriving from a plugin on the `control` port. */
export const controlReplySchema = z.object({
  id: z.string().min(1).max(200),
  type: z.enum(['RAW', 'HANDLER']),
  name: z.literal('throw').optional(),
  value: z.unknown(),
}).refine((m) => m.type === 'RAW' || m.name === 'throw', { message: 'only raw values and thrown errors may be returned' });
