/**
 * JSON-RPC 2.0 as external plugins speak it with the host: one JSON object per line
 * on stdin/stdout, in both directions. Every message from a plugin is checked with
 * these schemas, and so are the params and results the host relies on.
 *
 *   host → plugin requests:       initialize, validate, configure, invoke, collect, stop, run (tasks)
 *   host → plugin notifications:  event { name, data }, dropped { count, total }, token { token }
 *   plugin → host requests:       call { token, method, args }, subscribe { token, events }, unsubscribe { token, events }
 *   plugin → host notifications:  progress { value, message? } (tasks)
 */
import { z } from 'zod';

export const RPC_ERRORS = {
  parse: -32700,
  invalidRequest: -32600,
  methodNotFound: -32601,
  invalidParams: -32602,
  internal: -32603,
  /** A host method refused or failed; `data.code` holds the PADDOCK_ERR_… code. */
  host: -32000,
} as const;

const id = z.union([z.string().max(200), z.number().int()]);
const params = z.union([z.record(z.string(), z.unknown()), z.array(z.unknown())]).optional();
const method = z.string().min(1).max(200);

export const rpcRequestSchema = z.object({ jsonrpc: z.literal('2.0'), id, method, params });
export const rpcNotificationSchema = z.object({ jsonrpc: z.literal('2.0'), method, params });
export const rpcSuccessSchema = z.object({ jsonrpc: z.literal('2.0'), id, result: z.unknown() });
export const rpcErrorSchema = z.object({
  jsonrpc: z.literal('2.0'),
  id: id.nullable(),
  error: z.object({ code: z.number().int(), message: z.string().max(16_384), data: z.unknown().optional() }),
});

export type RpcRequest = z.infer<typeof rpcRequestSchema>;

/** A JSON-RPC error answer: thrown by request handlers, rejected by `request()` for the remote's errors. */
export class RpcError extends Error {
  readonly code: number;
  readonly data: unknown;
  constructor(code: number, message: string, data?: unknown) {
    super(message);
    this.name = 'RpcError';
    this.code = code;
    this.data = data;
  }
}

// ── params and results with a meaning for the host

const tokenField = z.string().min(1).max(4096);
const eventNames = z.array(z.string().min(1).max(200)).max(1000);

export const callParamsSchema = z.object({ token: tokenField, method: z.string().min(1).max(200), args: z.array(z.unknown()).max(64).optional() });
export const subscribeParamsSchema = z.object({ token: tokenField, events: eventNames });
export const progressParamsSchema = z.object({ value: z.number().min(0).max(1), message: z.string().max(1000).optional() });

const actionSchema = z.object({
  name: z.string().min(1).max(200),
  description: z.string().max(1000).nullish(),
  params: z.record(z.string(), z.unknown()).nullish(),
});

/** What an rpc plugin answers to `initialize`. */
export const initializeResultSchema = z.object({
  meta: z.unknown(),
  actions: z.array(actionSchema).max(1000).nullish(),
  /** Events the plugin wants from the start (it can also subscribe later). */
  events: eventNames.nullish(),
  collector: z.union([
    z.enum(['info', 'monitor']),
    z.object({ kind: z.enum(['info', 'monitor']), interval: z.number().positive().max(86_400).optional() }),
  ]).nullish(),
});

export type InitializeResult = z.infer<typeof initializeResultSchema>;
