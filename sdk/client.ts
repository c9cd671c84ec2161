/**
 * The API client a plugin uses to reach its host: typed calls to the host's methods
 * over Comlink, events streamed from the host, and the access token kept current.
 *
 * Two ways to get one, like Pup plugins:
 * - `this.client` in a `PluginImplementation` (or `connect()`): managed by the SDK,
 *   it follows every token the host issues by itself;
 * - `new PaddockClient(apiUrl, apiToken)`: built by the plugin; the plugin passes new
 *   tokens on from its own `refreshApiToken` override.
 */
import { paddockError, type PaddockError } from './errors.js';
import { assertArgumentsCloneable } from './kernel/cloneable.js';
import type { EventSink } from './internal/event-stream.js';
import { deserializeError } from './kernel/serialize-error.js';
import { getWorkerLink, type WorkerLink } from './internal/worker-link.js';
import {
  RESERVED_EVENT_PREFIX,
  type BuiltinApi,
  type DroppedNotice,
  type LogItem,
  type LogQuery,
  type LogSeverity,
  type RemoteApi,
} from './types.js';
import { DROPPED_EVENT } from './types.js';

export type EventListener<T = unknown> = (data: T) => unknown;

interface Registered {
  listener: EventListener;
  once: boolean;
}

export class PaddockClient<Api extends object = Record<string, never>> implements EventSink {
  readonly apiUrl: string;
  /** Typed access to the host's own methods: `client.api.getProcesses()`. */
  readonly api: RemoteApi<Api>;
  readonly #link: WorkerLink;
  readonly #listeners = new Map<string, Registered[]>();
  readonly #managed: boolean;
  readonly #onLinkToken = (token: string) => {
    this.#token = token;
  };
  #token: string;
  #closed = false;

  /**
   * @param apiUrl the `apiUrl` the plugin's constructor received (optional inside a worker)
   * @param apiToken the token the constructor received; omit it to follow the host's
   *   tokens automatically
   */
  constructor(apiUrl?: string, apiToken?: string) {
    this.#link = getWorkerLink('PaddockClient');
    this.apiUrl = apiUrl ?? this.#link.apiUrl;
    this.#managed = apiToken === undefined;
    this.#token = apiToken ?? this.#link.token;
    if (this.#managed) this.#link.tokenListeners.add(this.#onLinkToken);
    this.#link.events.addSink(this);
    this.api = new Proxy({} as RemoteApi<Api>, {
      get: (_target, prop) => (typeof prop === 'string' && prop !== 'then'
        ? (...args: unknown[]) => this.call(prop, ...args)
        : undefined),
    });
  }

  /** The token sent with each call. */
  get token(): string {
    return this.#token;
  }

  get closed(): boolean {
    return this.#closed;
  }

  /** Call a host method by name. Rejects with a real Error (code, cause) on failure. */
  async call<T = unknown>(method: string, ...args: unknown[]): Promise<T> {
    if (this.#closed) throw paddockError('PADDOCK_ERR_CLIENT_CLOSED', { method });
    assertArgumentsCloneable(args, `call to ${JSON.stringify(method)}`, this.#link.pluginId);
    const link = this.#link;
    const ms = link.callTimeoutMs;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(paddockError('PADDOCK_ERR_CALL_TIMEOUT', {
        plugin: link.pluginId, call: `call to ${JSON.stringify(method)}`, ms,
      })), ms);
    });
    try {
      const result = await Promise.race([link.host.call(this.#token, method, args), timeout]);
      if (result.ok) return result.value as T;
      throw deserializeError(result.error);
    } finally {
      clearTimeout(timer);
    }
  }

  log(severity: LogSeverity, message: string): Promise<void> {
    return this.call('log', severity, message);
  }

  logs(query: LogQuery = {}): Promise<LogItem[]> {
    return this.call('logs', query);
  }

  publish(event: string, data?: unknown): Promise<void> {
    return this.call('publish', event, data);
  }

  leave(reason?: string): Promise<void> {
    return reason === undefined ? this.call('leave') : this.call('leave', reason);
  }

  /** Listen to a host event. The host starts sending it with the first listener. */
  on<T = unknown>(event: string, listener: EventListener<T>): this {
    return this.#add(event, listener as EventListener, false);
  }

  once<T = unknown>(event: string, listener: EventListener<T>): this {
    return this.#add(event, listener as EventListener, true);
  }

  off(event: string, listener?: EventListener): this {
    const list = this.#listeners.get(event);
    if (!list) return this;
    const keep = listener === undefined ? [] : list.filter((r) => r.listener !== listener);
    const removed = list.length - keep.length;
    if (keep.length) this.#listeners.set(event, keep);
    else this.#listeners.delete(event);
    if (event !== DROPPED_EVENT) for (let i = 0; i < removed; i++) this.#link.events.removeInterest(event);
    return this;
  }

  /** Hand the client a new token (a managed client does this by itself). */
  refreshApiToken(token: string): void {
    this.#token = token;
  }

  /** Remove every listener and refuse further calls. */
  close(): void {
    if (this.#closed) return;
    for (const event of [...this.#listeners.keys()]) this.off(event);
    this.#link.events.removeSink(this);
    this.#link.tokenListeners.delete(this.#onLinkToken);
    this.#closed = true;
  }

  [Symbol.dispose](): void {
    this.close();
  }

  /** @internal Called by the event stream for each event of this worker. */
  deliver(event: string, data: unknown): void {
    const list = this.#listeners.get(event);
    if (!list) return;
    for (const entry of list) {
      if (entry.once) this.off(event, entry.listener);
      try {
        const result = entry.listener(data);
        if (result instanceof Promise) result.catch((error: unknown) => reportListenerError(this.#link, event, error));
      } catch (error) {
        reportListenerError(this.#link, event, error);
      }
    }
  }

  #add(event: string, listener: EventListener, once: boolean): this {
    if (this.#closed) throw paddockError('PADDOCK_ERR_CLIENT_CLOSED', { method: 'on' });
    if (typeof event !== 'string' || event.length === 0) {
      throw paddockError('PADDOCK_ERR_EVENT_NAME', { event: String(event), reason: 'it must be a non-empty string' });
    }
    if (typeof listener !== 'function') throw new TypeError(`listener for ${JSON.stringify(event)} must be a function`);
    if (event.startsWith(RESERVED_EVENT_PREFIX) && event !== DROPPED_EVENT) {
      throw paddockError('PADDOCK_ERR_EVENT_NAME', { event, reason: `names starting with "${RESERVED_EVENT_PREFIX}" are reserved` });
    }
    const list = this.#listeners.get(event) ?? [];
    list.push({ listener, once });
    this.#listeners.set(event, list);
    if (event !== DROPPED_EVENT) this.#link.events.addInterest(event);
    return this;
  }
}

/** Report an error thrown by a plugin's event listener into the host's log. */
export function reportListenerError(link: WorkerLink, event: string, error: unknown): void {
  reportPluginError(link, `its listener for ${JSON.stringify(event)}`, error);
}

export function reportPluginError(link: WorkerLink, where: string, error: unknown): void {
  const text = error instanceof Error ? (error.stack ?? `${error.name}: ${error.message}`) : String(error);
  link.host.call(link.token, 'log', ['error', `error in ${where}: ${text}`]).then(
    (result) => {
      if (!result.ok) process.stderr.write(`paddock: error in ${where}: ${text}\n`);
    },
    () => process.stderr.write(`paddock: error in ${where}: ${text}\n`),
  );
}

export type { BuiltinApi, DroppedNotice, PaddockError };
