/**
 * What one plugin's worker may call on the host. Each call goes through, in order:
 * token (cached verification: signature once, then expiry/revocation per call), method
 * lookup in a Map (never a property path), scope, zod arguments, handler, and a check
 * that the result can cross the thread. Failures come back as `Result` errors.
 */
import { PaddockError, paddockError } from '../../sdk/errors.js';
import { findUncloneable } from '../../sdk/kernel/cloneable.js';
import { fail } from '../../sdk/kernel/results.js';
import { RESERVED_EVENT_PREFIX } from '../../sdk/types.js';
import type { HostEndpoint, Result } from '../../sdk/kernel/protocol.js';
import { denialReportSchema } from '../transport/wire-schemas.js';
import type { DenialReport } from '../../sdk/kernel/sandbox-data.js';
import { formatIssuesInline } from '../config/format-issues.js';
import type { TokenAuthority } from '../tokens.js';
import type { AnyMethod, EventDefinition, MethodContext } from './define.js';
import { EVENT_NAME_MAX } from './builtins.js';
import { sizeUpTo } from '../limits/measure.js';

export interface HostEndpointDeps {
  pluginId: string;
  tokens: TokenAuthority;
  methods: ReadonlyMap<string, AnyMethod>;
  events: ReadonlyMap<string, EventDefinition>;
  context: (scopes: ReadonlySet<string>) => MethodContext;
  subscribe: (events: string[]) => void;
  unsubscribe: (events: string[]) => void;
  /** The plugin's sandbox refused something (already validated). */
  denied?: (report: DenialReport) => void;
  /** Plugin → host calls allowed in flight at once (limits.maxConcurrentCalls). */
  maxConcurrentCalls?: number;
  /** Bytes a call's arguments may take (caps.maxCallBytes). */
  maxCallBytes?: number;
  /** Hears every call once it is answered, for the host's metrics (runtime/metrics/). */
  observe?: (method: string, ms: number, ok: boolean) => void;
}


export function checkEventName(event: unknown): asserts event is string {
  if (typeof event !== 'string' || event.length === 0 || event.length > EVENT_NAME_MAX) {
    throw paddockError('PADDOCK_ERR_EVENT_NAME', { event: String(event), reason: `it must be a string of 1 to ${EVENT_NAME_MAX} characters` });
  }
  if (event.startsWith(RESERVED_EVENT_PREFIX)) {
    throw paddockError('PADDOCK_ERR_EVENT_NAME', { event, reason: `names starting with "${RESERVED_EVENT_PREFIX}" are reserved for the runtime` });
  }
}

/**
 * The one rule for a plugin's subscriptions, on both roads: the events it subscribed to
 * while it was constructed (its start report) and those it subscribes to later (the API).
 * Each name is checked, and an event whose definition names a scope the plugin lacks is
 * refused with PADDOCK_ERR_SCOPE_DENIED: at start that fails the start, later the call.
 */
export function checkSubscriptions(
  pluginId: string, events: unknown, scopes: ReadonlySet<string>, definitions: ReadonlyMap<string, EventDefinition>,
): string[] {
  if (!Array.isArray(events) || events.length > 1000) {
    throw paddockError('PADDOCK_ERR_INVALID_ARGUMENTS', { plugin: pluginId, method: 'subscribe', problems: 'expected an array of event names' });
  }
  for (const event of events) {
    checkEventName(event);
    const scope = definitions.get(event)?.scope;
    if (scope !== undefined && !scopes.has(scope)) {
      throw paddockError('PADDOCK_ERR_SCOPE_DENIED', { plugin: pluginId, what: `subscribe to ${JSON.stringify(event)}`, scope });
    }
  }
  return events as string[];
}

export function createHostEndpoint(deps: HostEndpointDeps): HostEndpoint {
  const { pluginId, tokens, methods } = deps;
  const maxCalls = deps.maxConcurrentCalls ?? Infinity;
  const maxCallBytes = deps.maxCallBytes ?? Infinity;
  let inFlight = 0;

  function checkEvents(token: string, events: unknown): string[] {
    return checkSubscriptions(pluginId, events, tokens.verify(token, pluginId).scopes, deps.events);
  }

  const endpoint: HostEndpoint = {
    async call(token: string, method: string, args: unknown[]): Promise<Result<unknown>> {
      let definition: AnyMethod | undefined;
      let parsedArgs: unknown[];
      let context: MethodContext;
      try {
        const verified = tokens.verify(token, pluginId);
        definition = typeof method === 'string' ? methods.get(method) : undefined;
        if (!definition) throw paddockError('PADDOCK_ERR_UNKNOWN_METHOD', { plugin: pluginId, method: String(method) });
        if (!verified.scopes.has(definition.scope)) {
          throw paddockError('PADDOCK_ERR_SCOPE_DENIED', { plugin: pluginId, what: `call ${JSON.stringify(method)}`, scope: definition.scope });
        }
        if (maxCallBytes !== Infinity && sizeUpTo(args, maxCallBytes) > maxCallBytes) {
          throw paddockError('PADDOCK_ERR_CAP_EXCEEDED', { plugin: pluginId, what: `the arguments of its call to ${JSON.stringify(method)}`, cap: 'maxCallBytes', detail: `more than ${maxCallBytes} bytes` });
        }
        const parsed = definition.params.safeParse(Array.isArray(args) ? args : [args]);
        if (!parsed.success) {
          throw paddockError('PADDOCK_ERR_INVALID_ARGUMENTS', { plugin: pluginId, method, problems: formatIssuesInline(parsed.error) });
        }
        parsedArgs = parsed.data as unknown[];
        context = deps.context(verified.scopes);
      } catch (error) {
        return fail(error);
      }
      if (inFlight >= maxCalls) {
        return fail(paddockError('PADDOCK_ERR_TOO_MANY_CALLS', { plugin: pluginId, limit: maxCalls }));
      }
      let value: unknown;
      inFlight++;
      try {
        value = await definition.handler(context, ...parsedArgs);
      } catch (error) {
        if (error instanceof PaddockError) return fail(error);
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return fail(paddockError('PADDOCK_ERR_HOST_METHOD_FAILED', { method, reason }, { cause: error, origin: 'host', plugin: pluginId }));
      } finally {
        inFlight--;
      }
      const bad = findUncloneable(value);
      if (bad) {
        return fail(paddockError('PADDOCK_ERR_NOT_CLONEABLE', { where: `result of host method ${JSON.stringify(method)}`, path: bad[0], kind: bad[1] }, { origin: 'host' }));
      }
      return { ok: true, value };
    },

    async subscribe(token: string, events: string[]): Promise<Result<void>> {
      try {
        deps.subscribe(checkEvents(token, events));
        return { ok: true, value: undefined };
      } catch (error) {
        return fail(error);
      }
    },

    async unsubscribe(token: string, events: string[]): Promise<Result<void>> {
      try {
        deps.unsubscribe(checkEvents(token, events));
        return { ok: true, value: undefined };
      } catch (error) {
        return fail(error);
      }
    },

    async denied(token: string, report: unknown): Promise<Result<void>> {
      try {
        tokens.verify(token, pluginId);
        const parsed = denialReportSchema.safeParse(report);
        if (!parsed.success) {
          throw paddockError('PADDOCK_ERR_INVALID_ARGUMENTS', { plugin: pluginId, method: 'denied', problems: formatIssuesInline(parsed.error) });
        }
        deps.denied?.(parsed.data);
        return { ok: true, value: undefined };
      } catch (error) {
        return fail(error);
      }
    },
  };
  return deps.observe ? observeCalls(endpoint, methods, deps.observe) : endpoint;
}

function observeCalls(endpoint: HostEndpoint, methods: ReadonlyMap<string, AnyMethod>, observe: NonNullable<HostEndpointDeps['observe']>): HostEndpoint {
  return {
    ...endpoint,
    async call(token, method, args) {
      const started = performance.now();
      const result = await endpoint.call(token, method, args);
      // Unknown names are folded into one so a plugin cannot grow the host's label set.
      observe(typeof method === 'string' && methods.has(method) ? method : '(unknown)', performance.now() - started, result.ok);
      return result;
    },
  };
}
