/**
 * Pup's REST paths mapped to the host methods of a Paddock process host. The shim's
 * `PupRestClient` sends every request through here, so a plugin that calls
 * `client.get('/processes')` reaches the same method as one that calls
 * `client.getProcesses()`.
 *
 *   GET  /processes                      getProcesses()            { data }
 *   GET  /state                          getState()                { data }
 *   POST /processes/<id>/<start|stop|restart|block|unblock>
 *                                        <action>Process(id)       {} or { error } when not carried out
 *   POST /terminate                      terminate()               {}
 *   POST /log       {severity, plugin, message}   log(severity, message)   {}
 *   GET  /logs?processId&startTimeStamp&endTimeStamp&severity&nRows   logs(query)   { data }
 *   POST /ipc       ApiIpcData           ipc(data)                 {}   (500 "Invalid data" when refused)
 *   POST /telemetry ApiTelemetryData     telemetry(data)           {}   (500 "Invalid data": no such process)
 *
 * Bodies are checked the way Pup's REST server checks them, with its statuses and
 * messages: /log needs severity, plugin and message (400 "Missing severity, plugin, or
 * message.") and one of log, info, warn, error (400 "Invalid severity."); /ipc needs
 * target, event and eventData (500 "Missing target", "Missing event", "Missing event data").
 */

/** A request mapped to a host method, and how to turn its result into Pup's response body. */
export interface HostRequest {
  method: string;
  args: unknown[];
  /**
   * `data`: the result is the response's data; `action`: a boolean "carried out" (false
   * gives `{ error }` with status 200, as Pup answers); `required`: false is a 500
   * "Invalid data"; `none`: nothing.
   */
  reply: 'data' | 'action' | 'required' | 'none';
}

/** A request that cannot be mapped; `status` is the HTTP status Pup would have answered. */
export class RouteError extends Error {
  readonly status: number;
  constructor(message: string, status: number) {
    super(message);
    this.status = status;
  }
}

const PROCESS_ACTIONS = new Set(['start', 'stop', 'restart', 'block', 'unblock']);
// Pup's REST server takes these four (no debug).
const LOG_SEVERITIES = new Set(['log', 'info', 'warn', 'error']);

function parseBody(body: unknown): unknown {
  if (body === undefined || body === null) return undefined;
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch (error) {
    throw new RouteError((error as Error).message, 500);
  }
}

function integerParam(params: URLSearchParams, name: string): number | undefined {
  const raw = params.get(name);
  if (!raw) return undefined;
  const value = Number.parseInt(raw, 10);
  if (Number.isNaN(value)) throw new RouteError(`${name} should be a number`, 400);
  return value;
}

function logsQuery(params: URLSearchParams): Record<string, unknown> {
  const query: Record<string, unknown> = {};
  const processId = params.get('processId');
  if (processId) query.processId = processId;
  const start = integerParam(params, 'startTimeStamp');
  if (start !== undefined) query.startTimeStamp = start;
  const end = integerParam(params, 'endTimeStamp');
  if (end !== undefined) query.endTimeStamp = end;
  const nRows = integerParam(params, 'nRows');
  // Pup answers at most 100 rows, and 100 when nRows is missing or not positive.
  query.nRows = nRows === undefined || nRows <= 0 || nRows > 100 ? 100 : nRows;
  const severity = params.get('severity');
  if (severity) query.severity = severity.toLowerCase();
  return query;
}

/** Map one request of Pup's REST API to a host method call. Throws RouteError when it cannot. */
export function routeRequest(httpMethod: string, path: string, body: unknown): HostRequest {
  const url = new URL(path, 'http://pup.invalid');
  const verb = httpMethod.toUpperCase();
  const parts = url.pathname.split('/').filter(Boolean).map((p) => decodeURIComponent(p));
  const route = `${verb} /${parts.join('/')}`;
  if (route === 'GET /processes') return { method: 'getProcesses', args: [], reply: 'data' };
  if (route === 'GET /state') return { method: 'getState', args: [], reply: 'data' };
  if (route === 'POST /terminate') return { method: 'terminate', args: [], reply: 'none' };
  if (route === 'GET /logs') return { method: 'logs', args: [logsQuery(url.searchParams)], reply: 'data' };
  if (verb === 'POST' && parts.length === 3 && parts[0] === 'processes' && PROCESS_ACTIONS.has(parts[2]!)) {
    return { method: `${parts[2]}Process`, args: [parts[1]], reply: 'action' };
  }
  if (route === 'POST /log') {
    const log = parseBody(body) as { severity?: unknown; plugin?: unknown; message?: unknown } | undefined;
    if (!log) throw new RouteError('Log data is required.', 400);
    if (!log.severity || !log.plugin || !log.message) throw new RouteError('Missing severity, plugin, or message.', 400);
    const severity = String(log.severity).toLowerCase();
    if (!LOG_SEVERITIES.has(severity)) throw new RouteError('Invalid severity.', 400);
    return { method: 'log', args: [severity, String(log.message)], reply: 'none' };
  }
  if (route === 'POST /ipc') {
    const ipc = parseBody(body) as { target?: unknown; event?: unknown; eventData?: unknown } | undefined;
    if (!ipc?.target) throw new RouteError('Missing target', 500);
    if (!ipc.event) throw new RouteError('Missing event', 500);
    if (!ipc.eventData) throw new RouteError('Missing event data', 500);
    return { method: 'ipc', args: [ipc], reply: 'required' };
  }
  if (route === 'POST /telemetry') return { method: 'telemetry', args: [parseBody(body)], reply: 'required' };
  throw new RouteError(`${route} is not part of Pup's plugin API`, 404);
}
