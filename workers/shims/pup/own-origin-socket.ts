/**
 * WebSocket connections a Pup plugin opens itself to `ws://${apiUrl}/wss`: Pup's live
 * event stream, served in the plugin's thread over its channel instead of the network.
 *
 *   new WebSocket(`ws://${apiUrl}/wss`, { headers: { Authorization: `Bearer ${token}` } })
 *     handshake: Authorization header ─▶ token checked by the host (subscribe of nothing)
 *                path /wss              ─▶ otherwise refused as Pup's router refuses it
 *     open:      Pup's events ─▶ PaddockClient listeners ─▶ `message` { data: '{"t":…,"d":…}' }
 *
 * Pup's REST server checks the upgrade request like any other request (a bearer token in
 * the Authorization header; 401 otherwise) and then sends every event of its list as a
 * text frame `JSON.stringify({ t: event, d: data })`; what the client sends is ignored.
 * A refused handshake reaches the page as on the network: `error`, then `close` with
 * code 1006 (not clean). The token is checked once, at the handshake, as Pup does.
 *
 * The browser's interface (readyState, send, close, on… handlers, addEventListener) with
 * the header option of Node's and Deno's WebSocket (`{ headers }` as the second argument)
 * and of the `ws` package (as the third).
 */
import { PaddockClient } from '../../../sdk/client.js';
import { getWorkerLink } from '../../../sdk/internal/worker-link.js';
import { deserializeError } from '../../../sdk/kernel/serialize-error.js';
import { RouteError, routeRequest } from './routes.js';
import { statusOfFailure } from './statuses.js';

/** The events Pup's REST server forwards to every /wss connection, in its order. */
export const PUP_STREAM_EVENTS = [
  'log', 'process_status_changed', 'process_scheduled', 'process_scheduled_terminate', 'process_watch',
  'init', 'process_telemetry', 'watchdog', 'application_state', 'terminating', 'ipc',
] as const;

const CONNECTING = 0;
const OPEN = 1;
const CLOSING = 2;
const CLOSED = 3;
// Events that arrive between the host's subscription and `open` wait here, as frames wait
// in a socket; bounded so a plugin that never looks cannot grow it without end.
const MAX_EARLY_MESSAGES = 1000;
const MAX_REASON_BYTES = 123;

/** `close` with Pup's close code and reason; Node's own CloseEvent where it has one (≥ 23). */
class ServedCloseEvent extends Event {
  readonly code: number;
  readonly reason: string;
  readonly wasClean: boolean;
  constructor(type: string, init: { code: number; reason: string; wasClean: boolean }) {
    super(type);
    this.code = init.code;
    this.reason = init.reason;
    this.wasClean = init.wasClean;
  }
}
type CloseEventClass = new (type: string, init: { code: number; reason: string; wasClean: boolean }) => Event;
let closeEventClass: CloseEventClass | undefined;
/**
 * Read on the first close, not when this module loads: on Node ≥ 23 the global is a lazy
 * property whose first read loads undici (tens of ms), which every plugin thread would pay.
 */
function CloseEventOf(): CloseEventClass {
  return closeEventClass ??= (globalThis as { CloseEvent?: CloseEventClass }).CloseEvent ?? ServedCloseEvent;
}

/** `error`, carrying what went wrong (a browser says nothing; a plugin's log is better off). */
class ServedErrorEvent extends Event {
  readonly message: string;
  readonly error: Error;
  constructor(message: string) {
    super('error');
    this.message = message;
    this.error = new Error(message);
  }
}

type Handler = ((event: Event) => unknown) | null;
type Options = { headers?: unknown; protocols?: unknown };

function optionsOf(value: unknown): Options | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Options : undefined;
}

function authorizationOf(...candidates: Array<Options | undefined>): string | null {
  for (const options of candidates) {
    if (options?.headers === undefined || options.headers === null) continue;
    try {
      const value = new Headers(options.headers as ConstructorParameters<typeof Headers>[0]).get('authorization');
      if (value !== null) return value;
    } catch {
      // Headers Node cannot read are headers a server never receives.
    }
  }
  return null;
}

function protocolsOf(value: unknown, options: Options | undefined): string[] {
  const raw = typeof value === 'string' || Array.isArray(value) ? value : options?.protocols;
  if (raw === undefined) return [];
  const list = (Array.isArray(raw) ? raw : [raw]).map(String);
  if (new Set(list).size !== list.length) throw new DOMException('the protocols contain a name twice', 'SyntaxError');
  return list;
}

function byteLengthOf(data: unknown): number {
  if (typeof data === 'string') return Buffer.byteLength(data);
  if (data instanceof Blob) return data.size;
  if (ArrayBuffer.isView(data) || data instanceof ArrayBuffer) return data.byteLength;
  return Buffer.byteLength(String(data));
}

/** A WebSocket to the plugin's own apiUrl, answered as Pup's `/wss` answers. */
export class ServedWebSocket extends EventTarget {
  static readonly CONNECTING = CONNECTING;
  static readonly OPEN = OPEN;
  static readonly CLOSING = CLOSING;
  static readonly CLOSED = CLOSED;

  readonly url: string;
  readonly protocol = '';
  readonly extensions = '';
  binaryType: 'blob' | 'arraybuffer' = 'blob';
  #state = CONNECTING;
  #bufferedAmount = 0;
  #client: PaddockClient | undefined;
  #early: string[] | undefined;
  readonly #handlers = new Map<string, Handler>();

  /** Use the global `WebSocket`: it hands other URLs on to the sandbox's own. */
  constructor(url: URL, protocols?: unknown, options?: unknown) {
    super();
    this.url = url.href;
    const second = optionsOf(protocols);
    protocolsOf(protocols, second);
    const authorization = authorizationOf(second, optionsOf(options));
    void this.#connect(url, authorization);
  }

  get readyState(): number {
    return this.#state;
  }

  get bufferedAmount(): number {
    return this.#bufferedAmount;
  }

  /** Accepted and dropped, as Pup's server does with what a client sends. */
  send(data: unknown): void {
    if (this.#state === CONNECTING) throw new DOMException('the WebSocket is still connecting', 'InvalidStateError');
    // Past OPEN the data is counted and never sent, as the browser's interface says.
    if (this.#state !== OPEN) this.#bufferedAmount += byteLengthOf(data);
  }

  close(code?: number, reason?: string): void {
    if (code !== undefined && code !== 1000 && !(code >= 3000 && code <= 4999)) {
      throw new DOMException(`close code ${code} is neither 1000 nor in 3000-4999`, 'InvalidAccessError');
    }
    if (reason !== undefined && Buffer.byteLength(reason) > MAX_REASON_BYTES) {
      throw new DOMException(`the close reason is longer than ${MAX_REASON_BYTES} bytes`, 'SyntaxError');
    }
    if (this.#state === CLOSING || this.#state === CLOSED) return;
    if (this.#state === CONNECTING) {
      // The handshake is abandoned (#connect sees CLOSING) and the connection failed.
      this.#state = CLOSING;
      setTimeout(() => this.#fail('the WebSocket was closed before the connection was established'), 0);
      return;
    }
    this.#state = CLOSING;
    this.#unsubscribe();
    // The server answers the close frame with the same code, a moment later.
    setTimeout(() => this.#finish(new (CloseEventOf())('close', { code: code ?? 1005, reason: reason ?? '', wasClean: true })), 0);
  }

  async #connect(url: URL, authorization: string | null): Promise<void> {
    // Nothing happens before the constructor's caller has set its handlers, as on a network.
    await new Promise((resolve) => setTimeout(resolve, 0));
    if (this.#state !== CONNECTING) return;
    let refusal: string | undefined;
    try {
      refusal = await this.#handshake(url, authorization);
    } catch (error) {
      refusal = `500 (${error instanceof Error ? error.message : String(error)})`;
    }
    if (this.#state !== CONNECTING) {
      this.#unsubscribe();
      return;
    }
    if (refusal !== undefined) {
      this.#fail(`Unexpected server response: ${refusal}`);
      return;
    }
    this.#state = OPEN;
    this.dispatchEvent(new Event('open'));
    const early = this.#early ?? [];
    this.#early = undefined;
    for (const data of early) this.#message(data);
  }

  /** Pup's order: the auth middleware, then the router, then the subscriptions. Returns the refusal. */
  async #handshake(url: URL, authorization: string | null): Promise<string | undefined> {
    if (!authorization) return '401 (Authorization header required)';
    const parts = authorization.split(' ');
    if (parts.length !== 2 || parts[0] !== 'Bearer') return '401 (Invalid authorization format)';
    const token = parts[1]!;
    const link = getWorkerLink('WebSocket');
    // Subscribing to no event checks the token and nothing else.
    const checked = await link.host.subscribe(token, []);
    if (!checked.ok) return this.#refusalOf(deserializeError(checked.error));
    if (url.pathname !== '/wss') {
      try {
        routeRequest('GET', url.pathname, undefined);
        return '200 (not a WebSocket endpoint)';
      } catch (error) {
        return error instanceof RouteError ? `${error.status} (${error.message})` : this.#refusalOf(error);
      }
    }
    const client = new PaddockClient(undefined, token);
    this.#client = client;
    this.#early = [];
    for (const event of PUP_STREAM_EVENTS) client.on(event, (data) => this.#deliver(event, data));
    // Resolved once the host sends these events to this thread, so none emitted after `open` is missed.
    const subscribed = await link.host.subscribe(token, [...PUP_STREAM_EVENTS]);
    if (!subscribed.ok) return this.#refusalOf(deserializeError(subscribed.error));
    return undefined;
  }

  #refusalOf(error: unknown): string {
    const { status, message } = statusOfFailure(error);
    return `${status} (${message})`;
  }

  #deliver(event: string, data: unknown): void {
    const text = JSON.stringify({ t: event, d: data });
    if (this.#state === OPEN) this.#message(text);
    else if (this.#state === CONNECTING && this.#early && this.#early.length < MAX_EARLY_MESSAGES) this.#early.push(text);
  }

  #message(data: string): void {
    if (this.#state !== OPEN) return;
    this.dispatchEvent(new MessageEvent('message', { data, origin: new URL(this.url).origin }));
  }

  #unsubscribe(): void {
    this.#client?.close();
    this.#client = undefined;
    this.#early = undefined;
  }

  #fail(message: string): void {
    this.#unsubscribe();
    this.#state = CLOSED;
    this.dispatchEvent(new ServedErrorEvent(message));
    this.dispatchEvent(new (CloseEventOf())('close', { code: 1006, reason: '', wasClean: false }));
  }

  #finish(event: Event): void {
    this.#state = CLOSED;
    this.dispatchEvent(event);
  }

  #handler(type: string): Handler {
    return this.#handlers.get(type) ?? null;
  }

  #setHandler(type: string, handler: unknown): void {
    const had = this.#handlers.has(type);
    this.#handlers.set(type, typeof handler === 'function' ? handler as Handler : null);
    // One listener per attribute, added when first set: its place among the listeners stays.
    if (!had) this.addEventListener(type, (event) => this.#handlers.get(type)?.call(this, event));
  }

  get onopen(): Handler { return this.#handler('open'); }
  set onopen(handler: Handler) { this.#setHandler('open', handler); }
  get onmessage(): Handler { return this.#handler('message'); }
  set onmessage(handler: Handler) { this.#setHandler('message', handler); }
  get onerror(): Handler { return this.#handler('error'); }
  set onerror(handler: Handler) { this.#setHandler('error', handler); }
  get onclose(): Handler { return this.#handler('close'); }
  set onclose(handler: Handler) { this.#setHandler('close', handler); }
}

for (const [name, value] of Object.entries({ CONNECTING, OPEN, CLOSING, CLOSED })) {
  Object.defineProperty(ServedWebSocket.prototype, name, { value, enumerable: true });
}
