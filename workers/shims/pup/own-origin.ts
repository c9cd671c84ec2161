/**
 * Requests a Pup plugin builds itself, with `fetch`, to `http://${apiUrl}` (Pup's REST
 * API, as the web interface and hand-written plugins do), answered over the plugin's
 * channel instead of the network: same paths, bodies, bearer token and statuses as
 * Pup's REST server, through the same routes as PupRestClient (routes.ts).
 *
 * WebSocket connections to that origin (`ws://${apiUrl}/wss`, Pup's live event stream,
 * and the wss:, http: and https: forms of it) are served the same way
 * (own-origin-socket.ts).
 *
 * Installed once per thread, when a Pup plugin is constructed (the worker's link exists
 * by then): `fetch` and `WebSocket` are wrapped, and any other URL goes on to the
 * sandbox's gated ones. Node 20 has no WebSocket of its own: there the served one is
 * the only one, and another URL is refused with a clear error.
 */
import { PaddockClient } from '../../../sdk/client.js';
import { paddockError } from '../../../sdk/errors.js';
import { getWorkerLink, hasWorkerLink } from '../../../sdk/internal/worker-link.js';
import { ServedWebSocket } from './own-origin-socket.js';
import { RouteError, routeRequest } from './routes.js';
import { statusOfFailure } from './statuses.js';

let installed = false;
// One client per token the plugin sends (tokens are renewed every few minutes).
const clients = new Map<string, PaddockClient>();
const MAX_CLIENTS = 4;

function clientFor(token: string): PaddockClient {
  let client = clients.get(token);
  if (client) return client;
  client = new PaddockClient(undefined, token);
  clients.set(token, client);
  if (clients.size > MAX_CLIENTS) {
    const [oldest] = clients.keys();
    clients.get(oldest!)!.close();
    clients.delete(oldest!);
  }
  return client;
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });
}

function urlOf(input: unknown): string | undefined {
  if (typeof input === 'string') return input;
  if (input instanceof URL) return input.href;
  if (input instanceof Request) return input.url;
  return undefined;
}

async function serve(request: Request, origin: string): Promise<Response> {
  const authorization = request.headers.get('authorization');
  if (!authorization) return json(401, { error: 'Authorization header required' });
  const parts = authorization.split(' ');
  if (parts.length !== 2 || parts[0] !== 'Bearer') return json(401, { error: 'Invalid authorization format' });
  const body = request.method === 'GET' || request.method === 'HEAD' ? undefined : await request.text();
  let routed;
  let value: unknown;
  try {
    routed = routeRequest(request.method, request.url.slice(origin.length) || '/', body || undefined);
    value = await clientFor(parts[1]!).call(routed.method, ...routed.args);
  } catch (error) {
    if (error instanceof RouteError) return json(error.status, { error: error.message });
    const { status, message } = statusOfFailure(error);
    return json(status, { error: message });
  }
  if (routed.reply === 'data') return json(200, { data: value });
  if (routed.reply === 'action' && value !== true) return json(200, { error: 'Action could not be carried out, check the arguments.' });
  if (routed.reply === 'required' && value !== true) return json(500, { error: 'Invalid data' });
  return json(routed.method === 'log' ? 201 : 200, {});
}

const DEFAULT_PORTS: Record<string, string> = { 'ws:': '80', 'http:': '80', 'wss:': '443', 'https:': '443' };

/** The URL when it names the apiUrl's host and port under a scheme a WebSocket takes. */
function ownSocketUrl(input: unknown, apiHost: URL): URL | undefined {
  let url: URL;
  try {
    url = new URL(input instanceof URL ? input.href : String(input));
  } catch {
    return undefined;
  }
  const port = DEFAULT_PORTS[url.protocol];
  if (port === undefined || url.hostname !== apiHost.hostname || (url.port || port) !== (apiHost.port || '80')) return undefined;
  // As the browser's WebSocket says of any URL with a fragment.
  if (url.hash !== '') throw new DOMException(`${url.href} has a fragment; a WebSocket URL cannot`, 'SyntaxError');
  return url;
}

type SocketClass = new (...args: unknown[]) => object;

/** `WebSocket`: the served one for the apiUrl's origin, the sandbox's gated one for the rest. */
function serveOwnSockets(apiHost: URL, pluginId: string): void {
  const globals = globalThis as unknown as Record<string, unknown>;
  // The sandbox's WebSocket, read when first needed: on Node >= 22 its first read loads
  // undici (tens of ms), which a plugin that opens no other socket should not pay. The
  // sandbox made it an accessor until then (gates/web-globals.ts): its descriptor is
  // read here without loading anything, and its getter called later.
  const before = Object.getOwnPropertyDescriptor(globals, 'WebSocket');
  let gatedRead = false;
  let gatedClass: SocketClass | undefined;
  const gated = (): SocketClass | undefined => {
    if (!gatedRead) {
      const value = before?.get ? Reflect.apply(before.get, globals, []) : before?.value;
      gatedClass = typeof value === 'function' ? value as SocketClass : undefined;
      gatedRead = true;
    }
    return gatedClass;
  };
  Object.defineProperty(ServedWebSocket, Symbol.hasInstance, {
    value: (value: unknown) => {
      if (Function.prototype[Symbol.hasInstance].call(ServedWebSocket, value)) return true;
      const other = gated();
      return other !== undefined && value instanceof other;
    },
  });
  globals.WebSocket = new Proxy(ServedWebSocket, {
    construct(_target, args, newTarget) {
      const url = ownSocketUrl(args[0], apiHost);
      if (url) return Reflect.construct(ServedWebSocket, [url, args[1], args[2]], newTarget === globals.WebSocket ? ServedWebSocket : newTarget);
      const other = gated();
      if (other) return Reflect.construct(other, args);
      throw paddockError('PADDOCK_ERR_SANDBOX_UNSUPPORTED', {
        plugin: pluginId,
        what: `a WebSocket to ${JSON.stringify(String(args[0]))}`,
        why: `Node ${process.version} has no WebSocket of its own; only ws://${apiHost.host}/wss (Pup's event stream) is served here. Use Node 22 or later, or a WebSocket package (such as ws) under a net grant`,
      });
    },
  });
}

/** Serve `fetch` and `WebSocket` to the plugin's own apiUrl over its channel (idempotent). */
export function serveOwnOrigin(): void {
  if (installed || !hasWorkerLink()) return;
  installed = true;
  const link = getWorkerLink('jsr:@pup/plugin');
  const apiHost = new URL(`http://${link.apiUrl}`);
  const origin = apiHost.origin;
  serveOwnSockets(apiHost, link.pluginId);
  const gatedFetch = globalThis.fetch;
  globalThis.fetch = function fetch(input: string | URL | Request, init?: RequestInit): Promise<Response> {
    const url = urlOf(input);
    if (url === undefined || !(url === origin || url.startsWith(`${origin}/`))) return gatedFetch(input, init);
    try {
      return serve(new Request(input, init), origin);
    } catch (error) {
      return Promise.reject(error);
    }
  };
}
