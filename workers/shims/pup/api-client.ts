/**
 * `jsr:@pup/api-client` inside a Paddock worker: Pup's `PupRestClient`, backed by the
 * worker's Comlink link to the host instead of HTTP and a WebSocket.
 *
 *   plugin ─ stopProcess(id) ─▶ POST /processes/<id>/stop ─▶ routes.ts ─▶ host method stopProcess(id)
 *          ◀─ { data?, error? } ◀─ result (or a thrown RestAPIError) ◀──────┘
 *   host events ─▶ PaddockClient listeners ─▶ the handlers given to on(event)
 *
 * As Pup's client does, a failed request is tried again three times (after 200, 400
 * and 800 ms) and then fails with a RestAPIConnectionError carrying Pup's message
 * ("Could not connect to server, retries exhausted. Response data: '…'"); `status`,
 * `responseData`, `code` and `cause` tell what the host answered. A refusal the host
 * answers with `{ error }` and status 200 (a blocked process does not start) is a
 * response, not a failure. Differences: no per-request timeout of its own (each call
 * has the runtime's callTimeoutMs), and `close()` drops the event handlers without
 * closing anything else.
 */
import { PaddockClient, type EventListener } from '../../../sdk/client.js';
import type { ApiApplicationState, ApiIpcData, ApiLogItem, ApiProcessData, ApiTelemetryData } from '../../../sdk/kernel/pup-api-definitions.js';
import { serveOwnOrigin } from './own-origin.js';
import { RouteError, routeRequest } from './routes.js';
import { statusOfFailure } from './statuses.js';

export interface ApiResponse<T> {
  error?: string;
  data?: T;
  response?: Response;
}

/** A request the host refused or failed; `status` is the HTTP status Pup would have used. */
export class RestAPIError extends Error {
  status: number;
  responseData?: unknown;
  /** The Paddock error code (PADDOCK_ERR_…), when the runtime raised it. */
  code?: string;

  constructor(message: string, status: number, responseData?: unknown, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RestAPIError';
    this.status = status;
    this.responseData = responseData;
  }
}

/** What a request throws once its retries are exhausted, as with Pup's client. */
export class RestAPIConnectionError extends Error {
  /** The status of the last answer (Paddock; Pup puts it only in the message). */
  status?: number;
  responseData?: unknown;
  /** The Paddock error code (PADDOCK_ERR_…) of the last failure, when the runtime raised it. */
  code?: string;

  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RestAPIConnectionError';
  }
}

function exhausted(last: RestAPIError): RestAPIConnectionError {
  const data = last.responseData as { error?: unknown } | undefined;
  const message = data?.error
    ? `Could not connect to server, retries exhausted. Response data: '${String(data.error)}'`
    : `Could not connect to server, retries exhausted. Response status: '${last.status}'`;
  const error = new RestAPIConnectionError(message, { cause: last });
  error.status = last.status;
  error.responseData = last.responseData;
  if (last.code) error.code = last.code;
  return error;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

function toRestError(error: unknown): RestAPIError {
  if (error instanceof RouteError) return new RestAPIError(error.message, error.status, { error: error.message });
  const { status, message, code } = statusOfFailure(error);
  const restError = new RestAPIError(message, status, { error: message }, { cause: error });
  if (code) restError.code = code;
  return restError;
}

// The Comlink client behind each RestClient, kept off the instance so no plugin field can clash with it.
const paddockClients = new WeakMap<RestClient, PaddockClient>();

function paddockOf(client: RestClient): PaddockClient {
  return paddockClients.get(client)!;
}

export class RestClient {
  baseUrl: string;

  constructor(baseUrl: string, token: string, _requestTimeoutMs?: number, _retries?: number) {
    this.baseUrl = baseUrl;
    // An explicit token: like Pup's client, this one uses what the plugin passes to refreshApiToken.
    paddockClients.set(this, new PaddockClient(undefined, token));
  }

  get token(): string {
    return paddockOf(this).token;
  }

  set token(token: string) {
    paddockOf(this).refreshApiToken(token);
  }

  /** Use a new token (Pup plugins call this from their own refreshApiToken). */
  refreshApiToken(token: string): void {
    this.token = token;
  }

  get<T>(path: string, options: RequestInit = {}): Promise<ApiResponse<T>> {
    return this.fetch<T>(path, { method: 'GET', ...options });
  }

  post(path: string, data: unknown = undefined, options: RequestInit = {}): Promise<ApiResponse<void>> {
    return this.fetch<void>(path, { method: 'POST', body: data ? JSON.stringify(data) : undefined, ...options } as RequestInit);
  }

  put(path: string, data: unknown, options: RequestInit = {}): Promise<ApiResponse<void>> {
    return this.fetch<void>(path, { method: 'PUT', body: data ? JSON.stringify(data) : undefined, ...options } as RequestInit);
  }

  delete<T>(path: string, options: RequestInit = {}): Promise<ApiResponse<T>> {
    return this.fetch<T>(path, { method: 'DELETE', ...options });
  }

  /**
   * One request of Pup's REST API, answered by the host over the worker's link; a
   * failure is tried again `maxRetries` times with exponential backoff, as in Pup.
   */
  async fetch<T>(path: string, options: RequestInit, maxRetries = 3, initialRetryDelay = 200): Promise<ApiResponse<T>> {
    for (let retries = 0; ; retries++) {
      try {
        return await this.#once<T>(path, options);
      } catch (error) {
        if (retries >= maxRetries) throw exhausted(error as RestAPIError);
        await sleep(initialRetryDelay * 2 ** retries);
      }
    }
  }

  async #once<T>(path: string, options: RequestInit): Promise<ApiResponse<T>> {
    let value: unknown;
    let request;
    try {
      request = routeRequest(options.method ?? 'GET', path, options.body);
      value = await paddockOf(this).call(request.method, ...request.args);
    } catch (error) {
      throw toRestError(error);
    }
    if (request.reply === 'required' && value !== true) throw new RestAPIError('Request failed: Internal Server Error', 500, { error: 'Invalid data' });
    if (request.reply === 'data') return { data: value as T };
    if (request.reply === 'action' && value !== true) {
      // Pup's words, with status 200: the client hands the body back as the answer.
      return { error: 'Action could not be carried out, check the arguments.' };
    }
    return {};
  }
}

export class PupRestClient extends RestClient {
  readonly #eventStream: boolean;
  readonly #handlers = new Map<string, Set<EventListener>>();

  /**
   * @param baseUrl `http://${apiUrl}` in Pup plugins; kept, not used for transport
   * @param token the token the plugin's constructor received
   * @param eventStream true to receive host events through `on()` (as in Pup)
   */
  constructor(baseUrl: string, token: string, eventStream = false, requestTimeoutMs = 3000, retries = 3) {
    super(baseUrl, token, requestTimeoutMs, retries);
    this.#eventStream = eventStream;
    serveOwnOrigin();
  }

  getProcesses(): Promise<ApiResponse<ApiProcessData[]>> {
    return this.get('/processes');
  }

  getState(): Promise<ApiResponse<ApiApplicationState>> {
    return this.get('/state');
  }

  startProcess(processId: string): Promise<ApiResponse<void>> {
    return this.post(`/processes/${encodeURIComponent(processId)}/start`);
  }

  stopProcess(processId: string): Promise<ApiResponse<void>> {
    return this.post(`/processes/${encodeURIComponent(processId)}/stop`);
  }

  restartProcess(processId: string): Promise<ApiResponse<void>> {
    return this.post(`/processes/${encodeURIComponent(processId)}/restart`);
  }

  blockProcess(processId: string): Promise<ApiResponse<void>> {
    return this.post(`/processes/${encodeURIComponent(processId)}/block`);
  }

  unblockProcess(processId: string): Promise<ApiResponse<void>> {
    return this.post(`/processes/${encodeURIComponent(processId)}/unblock`);
  }

  sendTelemetry(telemetryData: ApiTelemetryData): Promise<ApiResponse<void>> {
    return this.post('/telemetry', telemetryData);
  }

  /** A message to another plugin or to a process of the host (the `ipc` event). */
  sendIpc(ipcData: ApiIpcData): Promise<ApiResponse<void>> {
    return this.post('/ipc', ipcData);
  }

  /** Shut the host down gracefully. */
  terminate(): Promise<ApiResponse<void>> {
    return this.post('/terminate');
  }

  sendLog(severity: string, plugin: string, message: string): Promise<ApiResponse<void>> {
    return this.post('/log', { severity, plugin, message });
  }

  getLogs(processId?: string, startTimeStamp?: number, endTimeStamp?: number, severity?: string, nRows?: number): Promise<ApiResponse<ApiLogItem[]>> {
    const query = new URLSearchParams();
    if (processId) query.append('processId', processId);
    if (startTimeStamp) query.append('startTimeStamp', String(startTimeStamp));
    if (endTimeStamp) query.append('endTimeStamp', String(endTimeStamp));
    if (severity) query.append('severity', severity);
    if (nRows) query.append('nRows', String(nRows));
    return this.get(`/logs?${query.toString()}`);
  }

  /**
   * Listen to a host event. As in Pup, events only flow when the client was built with
   * `eventStream` true; the host sends an event only while someone listens to it.
   */
  on(event: string, fn: (data: unknown) => unknown): void {
    if (!this.#eventStream) return;
    const handlers = this.#handlers.get(event) ?? new Set();
    if (handlers.has(fn)) return;
    handlers.add(fn);
    this.#handlers.set(event, handlers);
    paddockOf(this).on(event, fn);
  }

  off(event: string, fn: (data: unknown) => unknown): void {
    if (!this.#handlers.get(event)?.delete(fn)) return;
    paddockOf(this).off(event, fn);
  }

  /** Drop every event handler. Requests keep working, as with Pup's client. */
  close(): void {
    for (const [event, handlers] of this.#handlers) for (const fn of handlers) paddockOf(this).off(event, fn);
    this.#handlers.clear();
  }
}
