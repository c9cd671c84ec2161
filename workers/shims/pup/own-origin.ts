/**
 * Requests a Pup plugin builds itself, with `fetch`, to `http://${apiUrl}` (Pup's REST
 * API, as the web interface and hand-written plugins do), answered over the plugin's
 * channel instead of the network: same paths, bodies, bearer token and statuses as
 * Pup's REST server, through the same routes as PupRestClient (routes.ts).
 *
 * Installed once per thread, when a Pup plugin is constructed (the worker's link exists
 * by then): `fetch` is wrapped, and any other URL goes on to the sandbox's gated fetch.
 * WebSocket connections to that origin (Pup's /wss) are not served: they fail like
 * any connection to an unknown host.
 */
import { PaddockClient } from '../../../sdk/client.js';
import { getWorkerLink, hasWorkerLink } from '../../../sdk/internal/worker-link.js';
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

/** Serve `fetch` to the plugin's own apiUrl over its channel (idempotent). */
export function serveOwnOrigin(): void {
  if (installed || !hasWorkerLink()) return;
  installed = true;
  const origin = new URL(`http://${getWorkerLink('jsr:@pup/plugin').apiUrl}`).origin;
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
