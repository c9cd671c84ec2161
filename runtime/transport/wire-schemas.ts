/**
 * zod schemas of what a plugin sends the host (worker thread or child process). They
 * live on the host side only: the worker never loads zod for them (zod costs a plugin
 * thread about 55 ms and 6 MB to load).
 */
import { z } from 'zod';
import { PERMISSION_NAMES } from '../../sdk/kernel/sandbox-data.js';
import { CHANNELS, HOST_ENDPOINT_METHODS, type StartReport } from '../../sdk/kernel/protocol.js';
import { paddockError } from '../../sdk/errors.js';
import { formatIssuesInline } from '../config/format-issues.js';
import { EVENT_NAME_MAX } from '../api/builtins.js';

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

const NAME_MAX = 200;
const DESCRIPTION_MAX = 10_000;
const name = z.string().min(1).max(NAME_MAX);
const description = z.string().max(DESCRIPTION_MAX).optional();

/**
 * What a plugin reports when it has started (PluginControl.start): it decides which
 * actions and tasks the host offers, which module the pool threads import and which
 * events are routed to it, so it is checked like every other message from a plugin.
 * `meta` is checked right after, by verifyMeta, with the plugin's own words.
 */
export const startReportSchema = z.object({
  meta: z.unknown(),
  actions: z.array(z.object({ name, description, params: z.unknown().optional() }).strict()).max(1_000),
  tasks: z.array(z.object({
    name,
    description,
    params: z.unknown().optional(),
    timeoutMs: z.number().int().positive().max(2_147_483_647).optional(),
  }).strict()).max(1_000).optional(),
  tasksModule: z.string().startsWith('file:').max(4_096).optional(),
  collector: z.object({ kind: z.enum(['info', 'monitor']), interval: z.number().positive().finite().optional() }).strict().optional(),
  subscriptions: z.array(z.string().min(1).max(EVENT_NAME_MAX)).max(1_000),
  exportName: z.string().max(NAME_MAX),
  hooks: z.object({ validate: z.boolean(), configure: z.boolean() }).strict(),
  metaRule: z.enum(['pup', 'paddock']).optional(),
}).strict() satisfies z.ZodType<StartReport>;

/** What cleanup() reports (PluginControl.stop). */
export const stopReportSchema = z.object({ cleanup: z.boolean() }).strict();

/** A value a plugin answered with, checked against its schema; PADDOCK_ERR_PROTOCOL names the call and what was wrong. */
export function checkReply<T>(plugin: string, call: string, schema: z.ZodType<T>, value: unknown): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  throw paddockError('PADDOCK_ERR_PROTOCOL', { plugin, problem: `${call} answered with a malformed value: ${formatIssuesInline(parsed.error)}` });
}
