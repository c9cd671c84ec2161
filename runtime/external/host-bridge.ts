/**
 * The host's side of an external plugin's requests: `call`, `subscribe` and
 * `unsubscribe` go to the same per-plugin HostEndpoint as a worker plugin's (token,
 * scope and argument checks included: runtime/api/host-endpoint.ts); its Results
 * become JSON-RPC answers. Host errors keep their PADDOCK_ERR_… code in `error.data`.
 */
import type { HostEndpoint, Result } from '../../sdk/kernel/protocol.js';
import { formatIssuesInline } from '../config/format-issues.js';
import { callParamsSchema, RPC_ERRORS, RpcError, subscribeParamsSchema } from './jsonrpc.js';

export interface HostBridgeOptions {
  /** Long-lived plugins may subscribe to events; a task's process may not. */
  events: boolean;
}

function unwrap(result: Result<unknown>): unknown {
  if (result.ok) return result.value;
  const { message, code, origin, name } = result.error;
  throw new RpcError(RPC_ERRORS.host, message, { code, origin, name });
}

function parse<T>(schema: { safeParse(v: unknown): { success: true; data: T } | { success: false; error: unknown } }, params: unknown, method: string): T {
  const parsed = schema.safeParse(params);
  if (!parsed.success) {
    throw new RpcError(RPC_ERRORS.invalidParams, `invalid params of ${JSON.stringify(method)}: ${formatIssuesInline(parsed.error as never)}`);
  }
  return parsed.data;
}

export function hostRequestHandler(endpoint: HostEndpoint, options: HostBridgeOptions): (method: string, params: unknown) => Promise<unknown> {
  return async (method, params) => {
    switch (method) {
      case 'call': {
        const p = parse(callParamsSchema, params, method);
        return unwrap(await endpoint.call(p.token, p.method, p.args ?? []));
      }
      case 'subscribe':
      case 'unsubscribe': {
        if (!options.events) throw new RpcError(RPC_ERRORS.methodNotFound, `a task's process cannot ${method} to events`);
        const p = parse(subscribeParamsSchema, params, method);
        return unwrap(await endpoint[method](p.token, p.events));
      }
      default:
        throw new RpcError(RPC_ERRORS.methodNotFound, `the host has no method ${JSON.stringify(method)} (it answers call${options.events ? ', subscribe, unsubscribe' : ''})`);
    }
  };
}
