/**
 * Every error Paddock raises, with a stable code.
 *
 * Codes are never reused: a retired code stays in `retiredCodes`. `docs/reference/errors.md`
 * lists every code with its meaning and fix; `test/internals/errors.test.ts` fails
 * when one is missing there.
 *
 * `origin` tells who raised an error after it crossed a thread:
 * - `runtime`: Paddock itself (bad arguments, scope denied, timeout, worker died, …)
 * - `plugin`:  code of a plugin threw it (an action, a hook, an event handler)
 * - `host`:    a method handler of the host application threw it
 */

export type ErrorOrigin = 'runtime' | 'plugin' | 'host';

export interface PaddockErrorOptions {
  cause?: unknown;
  /** Id of the plugin concerned, when there is one. */
  plugin?: string;
  origin?: ErrorOrigin;
  /** Extra structured fields (must be structured-cloneable). */
  details?: Record<string, unknown>;
}

export class PaddockError extends Error {
  readonly code: string;
  readonly plugin?: string;
  readonly origin: ErrorOrigin;
  readonly details: Record<string, unknown>;

  constructor(code: string, message: string, options: PaddockErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    if (options.plugin !== undefined) this.plugin = options.plugin;
    this.origin = options.origin ?? 'runtime';
    this.details = options.details ?? {};
  }

  override get name(): string {
    return this.constructor.name;
  }
}

/** The configuration (a file or an object) is unreadable or invalid. */
export class ConfigError extends PaddockError {}
/** A plugin could not be resolved, imported, instantiated or verified. */
export class PluginLoadError extends PaddockError {}
/** A call across the boundary was refused or failed in the runtime. */
export class ApiCallError extends PaddockError {}
/** The access token presented with a call is invalid, expired or revoked. */
export class TokenError extends PaddockError {}
/** Code of a plugin threw; `cause` holds what it threw. */
export class PluginCodeError extends PaddockError {}
/** A method handler of the host threw; `cause` holds what it threw. */
export class HostMethodError extends PaddockError {}
/** A plugin is not in a state that allows the operation. */
export class PluginStateError extends PaddockError {}
/** A value cannot be copied to another thread. */
export class NotCloneableError extends PaddockError {}
/** A call did not finish within its deadline. */
export class TimeoutError extends PaddockError {}
/** A plugin asked for a capability it was not granted. */
export class PermissionDenied extends PaddockError {
  // Spelled out: an implicit derived constructor spreads its arguments through
  // Array.prototype[Symbol.iterator], which plugin code may have replaced.
  constructor(code: string, message: string, options?: PaddockErrorOptions) {
    super(code, message, options);
  }
}
/** An npm:/jsr: package could not be resolved, fetched, verified or installed. */
export class PackageError extends PluginLoadError {}
/** A task was cancelled before it finished (by its caller, or because its plugin stopped). */
export class CancelledError extends PaddockError {}
/** An external plugin's executable could not be found or started, or failed. */
export class ExecError extends PaddockError {}

type ErrorClass = new (code: string, message: string, options?: PaddockErrorOptions) => PaddockError;

interface CodeDefinition<P> {
  readonly class: ErrorClass;
  readonly message: (params: P) => string;
}

function define<P>(cls: ErrorClass, message: (params: P) => string): CodeDefinition<P> {
  return { class: cls, message };
}

// Captured at load: plugin code may replace JSON.stringify before a denial is built.
const stringify = JSON.stringify;
const quote = (value: string) => stringify(value);

/** Code → error class and message template. */
export const errorCodes = {
  PADDOCK_ERR_CONFIG_READ: define(ConfigError, (p: { source: string; reason: string }) =>
    `cannot read config ${p.source}: ${p.reason}`),
  PADDOCK_ERR_CONFIG_PARSE: define(ConfigError, (p: { source: string; problems: string }) =>
    `config ${p.source} is not valid JSON/JSONC:\n${p.problems}`),
  PADDOCK_ERR_CONFIG_INVALID: define(ConfigError, (p: { source: string; problems: string }) =>
    `invalid config ${p.source}:\n${p.problems}`),
  PADDOCK_ERR_OPTIONS_INVALID: define(ConfigError, (p: { what: string; problems: string }) =>
    `invalid ${p.what}:\n${p.problems}`),
  PADDOCK_ERR_API_DEFINITION: define(ConfigError, (p: { method: string; reason: string }) =>
    `host API method ${quote(p.method)} is badly defined: ${p.reason}`),
  PADDOCK_ERR_URL_INVALID: define(PluginLoadError, (p: { url: string; reason: string }) =>
    `plugin url ${quote(p.url)} is invalid: ${p.reason}`),
  PADDOCK_ERR_URL_UNSUPPORTED: define(PluginLoadError, (p: { url: string; scheme: string }) =>
    `plugin url ${quote(p.url)} uses the unsupported scheme ${quote(p.scheme)} (use file:, npm: or jsr:)`),
  PADDOCK_ERR_PLUGIN_NOT_FOUND: define(PluginLoadError, (p: { url: string; path: string }) =>
    `plugin url ${quote(p.url)}: no file at ${p.path}`),
  PADDOCK_ERR_PLUGIN_IMPORT: define(PluginLoadError, (p: { plugin: string; url: string; reason: string }) =>
    `plugin ${quote(p.plugin)} (${p.url}) failed to load: ${p.reason}`),
  PADDOCK_ERR_NO_PLUGIN_CLASS: define(PluginLoadError, (p: { plugin: string; url: string; found: string }) =>
    `plugin ${quote(p.plugin)} (${p.url}) exports no plugin class: expected a class exported as ` +
    `PupPlugin, Plugin or default (found ${p.found})`),
  PADDOCK_ERR_PLUGIN_CONSTRUCTOR: define(PluginLoadError, (p: { plugin: string; reason: string }) =>
    `plugin ${quote(p.plugin)}: its constructor threw: ${p.reason}`),
  PADDOCK_ERR_META_INVALID: define(PluginLoadError, (p: { plugin: string; problems: string }) =>
    `plugin ${quote(p.plugin)} has invalid meta: ${p.problems}`),
  PADDOCK_ERR_API_INCOMPATIBLE: define(PluginLoadError, (p: { plugin: string; wants: string; has: string }) =>
    `plugin ${quote(p.plugin)} requires host API ${quote(p.wants)} but this host provides ${p.has}`),
  PADDOCK_ERR_VALIDATE_FAILED: define(PluginLoadError, (p: { plugin: string; reason: string }) =>
    `plugin ${quote(p.plugin)} failed its own validate(): ${p.reason}`),
  PADDOCK_ERR_START_FAILED: define(PluginLoadError, (p: { plugin: string; reason: string }) =>
    `plugin ${quote(p.plugin)} failed to start: ${p.reason}`),
  PADDOCK_ERR_DUPLICATE_ID: define(PluginStateError, (p: { plugin: string; derivedFrom?: string }) =>
    `a plugin with id ${quote(p.plugin)} is already loaded` +
    (p.derivedFrom === undefined ? '' : ` (this entry's id comes from ${quote(p.derivedFrom)}: give the entry its own "id" to load it again)`)),
  PADDOCK_ERR_UNKNOWN_PLUGIN: define(PluginStateError, (p: { plugin: string; loaded?: string[] }) =>
    `no plugin with id ${quote(p.plugin)} is loaded` +
    (p.loaded === undefined ? '' : p.loaded.length === 0 ? ' (none is)' : ` (loaded: ${p.loaded.map(quote).join(', ')})`)),
  PADDOCK_ERR_PLUGIN_NOT_RUNNING: define(PluginStateError, (p: { plugin: string; state: string }) =>
    `plugin ${quote(p.plugin)} is ${p.state}, not running`),
  PADDOCK_ERR_RUNTIME_CLOSED: define(PluginStateError, (_p: Record<string, never>) =>
    'the plugin runtime is closed'),
  PADDOCK_ERR_WORKER_EXITED: define(PluginStateError, (p: { plugin: string; call: string; reason: string }) =>
    `plugin ${quote(p.plugin)}: ${p.call} was cut short because the plugin's worker ${p.reason}`),
  PADDOCK_ERR_CALL_TIMEOUT: define(TimeoutError, (p: { plugin: string; call: string; ms: number }) =>
    `plugin ${quote(p.plugin)}: ${p.call} did not finish within ${p.ms} ms`),
  PADDOCK_ERR_UNKNOWN_METHOD: define(ApiCallError, (p: { plugin: string; method: string }) =>
    `plugin ${quote(p.plugin)} called ${quote(p.method)}, which the host does not offer`),
  PADDOCK_ERR_INVALID_ARGUMENTS: define(ApiCallError, (p: { plugin: string; method: string; problems: string }) =>
    `plugin ${quote(p.plugin)} called ${quote(p.method)} with invalid arguments: ${p.problems}`),
  PADDOCK_ERR_SCOPE_DENIED: define(ApiCallError, (p: { plugin: string; what: string; scope: string }) =>
    `plugin ${quote(p.plugin)} may not ${p.what}: it needs the scope ${quote(p.scope)} (grant it in the plugin's "scopes")`),
  PADDOCK_ERR_EVENT_NAME: define(ApiCallError, (p: { event: string; reason: string }) =>
    `event name ${quote(p.event)} cannot be used: ${p.reason}`),
  PADDOCK_ERR_UNKNOWN_ACTION: define(ApiCallError, (p: { plugin: string; action: string; known: string }) =>
    `plugin ${quote(p.plugin)} has no action ${quote(p.action)} (it has: ${p.known})`),
  PADDOCK_ERR_INVALID_PARAMS: define(ApiCallError, (p: { plugin: string; action: string; problems: string }) =>
    `action ${quote(p.action)} of plugin ${quote(p.plugin)} got invalid params: ${p.problems}`),
  PADDOCK_ERR_TOO_MANY_CALLS: define(ApiCallError, (p: { plugin: string; limit: number }) =>
    `plugin ${quote(p.plugin)} already has ${p.limit} calls in flight (limits.maxConcurrentCalls)`),
  PADDOCK_ERR_NOT_CLONEABLE: define(NotCloneableError, (p: { where: string; path: string; kind: string }) =>
    `${p.where}: ${p.path} is ${p.kind}, which cannot be copied to another thread ` +
    '(send plain data: objects, arrays, strings, numbers, booleans, null, Date, Map, Set, typed arrays)'),
  PADDOCK_ERR_TOKEN_INVALID: define(TokenError, (p: { plugin: string; reason: string }) =>
    `plugin ${quote(p.plugin)} presented an invalid token: ${p.reason}`),
  PADDOCK_ERR_TOKEN_EXPIRED: define(TokenError, (p: { plugin: string; ago: number }) =>
    `plugin ${quote(p.plugin)} presented a token that expired ${p.ago} ms ago ` +
    '(the client refreshes it when refreshApiToken is called)'),
  PADDOCK_ERR_TOKEN_REVOKED: define(TokenError, (p: { plugin: string }) =>
    `plugin ${quote(p.plugin)} presented a revoked token (the plugin was unloaded or reloaded)`),
  PADDOCK_ERR_PLUGIN_THREW: define(PluginCodeError, (p: { plugin: string; where: string; reason: string }) =>
    `plugin ${quote(p.plugin)} threw in ${p.where}: ${p.reason}`),
  PADDOCK_ERR_HOST_METHOD_FAILED: define(HostMethodError, (p: { method: string; reason: string }) =>
    `host method ${quote(p.method)} failed: ${p.reason}`),
  PADDOCK_ERR_NOT_IN_WORKER: define(PluginStateError, (p: { what: string }) =>
    `${p.what} only works inside a plugin started by Paddock`),
  PADDOCK_ERR_CLIENT_CLOSED: define(PluginStateError, (p: { method: string }) =>
    `cannot call ${quote(p.method)}: the API client is closed`),
  PADDOCK_ERR_PROTOCOL: define(ApiCallError, (p: { plugin: string; problem: string }) =>
    `plugin ${quote(p.plugin)} sent a message outside the protocol: ${p.problem}`),
  PADDOCK_ERR_UNKNOWN_TASK: define(ApiCallError, (p: { plugin: string; task: string; known: string }) =>
    `plugin ${quote(p.plugin)} has no task ${quote(p.task)} (it has: ${p.known})`),
  PADDOCK_ERR_INVALID_TASK_PARAMS: define(ApiCallError, (p: { plugin: string; task: string; problems: string }) =>
    `task ${quote(p.task)} of plugin ${quote(p.plugin)} got invalid params: ${p.problems}`),
  PADDOCK_ERR_TASK_QUEUE_FULL: define(ApiCallError, (p: { plugin: string; task: string; running: number; waiting: number }) =>
    `plugin ${quote(p.plugin)}: task ${quote(p.task)} was refused because the task queue is full ` +
    `(${p.running} running, ${p.waiting} waiting; raise pool.size or pool.queueLimit, or retry later)`),
  PADDOCK_ERR_TASK_CANCELLED: define(CancelledError, (p: { plugin: string; task: string; reason: string }) =>
    `plugin ${quote(p.plugin)}: task ${quote(p.task)} was cancelled: ${p.reason}`),
  PADDOCK_ERR_TASK_TIMEOUT: define(TimeoutError, (p: { plugin: string; task: string; ms: number }) =>
    `plugin ${quote(p.plugin)}: task ${quote(p.task)} did not finish within ${p.ms} ms and was cancelled`),
  PADDOCK_ERR_NOT_A_COLLECTOR: define(PluginStateError, (p: { plugin: string }) =>
    `plugin ${quote(p.plugin)} is not a collector (extend InfoPlugin or MonitorPlugin from paddock-runtime/sdk)`),
  PADDOCK_ERR_COLLECT_TIMEOUT: define(TimeoutError, (p: { plugin: string; ms: number }) =>
    `plugin ${quote(p.plugin)}: collect() did not finish within ${p.ms} ms; the collection was abandoned`),
  PADDOCK_ERR_COLLECT_NOT_JSON: define(PluginCodeError, (p: { plugin: string; path: string; kind: string }) =>
    `plugin ${quote(p.plugin)}: collect() returned a value that is not JSON: ${p.path} is ${p.kind} ` +
    '(return plain objects, arrays, strings, finite numbers, booleans and null)'),
  PADDOCK_ERR_COLLECT_TOO_LARGE: define(PluginCodeError, (p: { plugin: string; bytes: number; limit: number }) =>
    `plugin ${quote(p.plugin)}: collect() returned ${p.bytes} bytes of JSON, more than the limit of ${p.limit} (collector.maxResultBytes)`),
  PADDOCK_ERR_EXEC_NOT_FOUND: define(ExecError, (p: { plugin: string; command: string; searched: string }) =>
    `plugin ${quote(p.plugin)}: cannot find the executable ${quote(p.command)} (looked in ${p.searched})`),
  PADDOCK_ERR_EXEC_FAILED: define(ExecError, (p: { plugin: string; what: string; reason: string }) =>
    `plugin ${quote(p.plugin)}: ${p.what} failed: ${p.reason}`),
  PADDOCK_ERR_PERMISSION_DENIED: define(PermissionDenied, (p: { plugin: string; access: string; resource: string; grant: string }) =>
    `plugin ${quote(p.plugin)} needs ${p.access} to ${quote(p.resource)} (grant ${p.grant})`),
  PADDOCK_ERR_SPECIFIER_INVALID: define(PackageError, (p: { specifier: string; reason: string }) =>
    `package specifier ${quote(p.specifier)} is malformed: ${p.reason}`),
  PADDOCK_ERR_PACKAGE_NOT_FOUND: define(PackageError, (p: { specifier: string; package: string; registry: string }) =>
    `${p.specifier}: the registry ${p.registry} has no package ${quote(p.package)}`),
  PADDOCK_ERR_NO_MATCHING_VERSION: define(PackageError, (p: { specifier: string; package: string; range: string; available: string }) =>
    `${p.specifier}: no version of ${p.package} matches ${quote(p.range)} (available: ${p.available})`),
  PADDOCK_ERR_REGISTRY_UNREACHABLE: define(PackageError, (p: { specifier: string; registry: string; reason: string }) =>
    `${p.specifier}: the registry ${p.registry} cannot be reached: ${p.reason}`),
  PADDOCK_ERR_REGISTRY_FAILED: define(PackageError, (p: { specifier: string; registry: string; status: number; reason: string }) =>
    `${p.specifier}: the registry ${p.registry} answered HTTP ${p.status}: ${p.reason}`),
  PADDOCK_ERR_INTEGRITY: define(PackageError, (p: { specifier: string; what: string; reason: string }) =>
    `${p.specifier}: integrity check failed for ${p.what}: ${p.reason}`),
  PADDOCK_ERR_NOT_LOCKED: define(PackageError, (p: { specifier: string; lockfile: string }) =>
    `${p.specifier} is not in ${p.lockfile}, and frozen mode loads only what the lockfile holds ` +
    `(run "paddock add ${p.specifier}" to lock it)`),
  PADDOCK_ERR_NOT_CACHED: define(PackageError, (p: { specifier: string; package: string; cacheDir: string; why: string }) =>
    `${p.specifier}: ${p.package} is not in the cache ${p.cacheDir} and ${p.why}`),
  PADDOCK_ERR_LOCKFILE_INVALID: define(ConfigError, (p: { lockfile: string; problems: string }) =>
    `lockfile ${p.lockfile} is invalid:\n${p.problems}`),
  PADDOCK_ERR_PACKAGE_NO_ENTRY: define(PackageError, (p: { specifier: string; package: string; reason: string }) =>
    `${p.specifier}: package ${p.package} has no plugin entry: ${p.reason}`),
  PADDOCK_ERR_INSTALLER_MISSING: define(PackageError, (p: { module: string; reason: string }) =>
    `loading npm: and jsr: plugins needs npm's ${quote(p.module)}, which is not installed (${p.reason}); ` +
    'install it next to paddock-runtime (npm install without --omit=optional), or load only file: plugins'),
  PADDOCK_ERR_INSTALL_FAILED: define(PackageError, (p: { specifier: string; reason: string }) =>
    `${p.specifier}: installing failed: ${p.reason}`),
  PADDOCK_ERR_SANDBOX_UNSUPPORTED: define(PermissionDenied, (p: { plugin: string; what: string; why: string }) =>
    `plugin ${quote(p.plugin)} cannot use ${p.what} inside its sandbox: ${p.why}`),
  PADDOCK_ERR_OS_SANDBOX_UNAVAILABLE: define(PluginLoadError, (p: { plugin: string; reason: string }) =>
    `plugin ${quote(p.plugin)} is process-isolated and the host requires the OS wall (requireOsSandbox), which is not available: ${p.reason}`),
  PADDOCK_ERR_THREAD_LIMIT: define(PluginStateError, (p: { plugin: string; limit: number }) =>
    `plugin ${quote(p.plugin)} already runs ${p.limit} nested worker${p.limit === 1 ? '' : 's'}, its limit (limits.maxNestedWorkers); ` +
    'a new one can start when one of them exits'),
  PADDOCK_ERR_RESOURCE_LIMIT: define(PluginStateError, (p: { plugin: string; limit: string; detail: string; what?: string }) =>
    `plugin ${quote(p.plugin)} went past ${p.limit} and ${p.what ?? 'was'} stopped: ${p.detail}`),
  PADDOCK_ERR_PLUGIN_UNRESPONSIVE: define(PluginStateError, (p: { plugin: string; ms: number; reason: string }) =>
    `plugin ${quote(p.plugin)} did not exit within ${p.ms} ms of being terminated (${p.reason}); ` +
    'its thread is abandoned (a worker blocked in a system call cannot be stopped until the call returns)'),
  PADDOCK_ERR_CAP_EXCEEDED: define(ApiCallError, (p: { plugin?: string; what: string; cap: string; detail: string }) =>
    `${p.plugin === undefined ? 'host' : `plugin ${quote(p.plugin)}`}: ${p.what} went over caps.${p.cap} (${p.detail})`),
  PADDOCK_ERR_DRAIN_TIMEOUT: define(TimeoutError, (p: { target: string; ms: number; waiting: number }) =>
    `events for ${p.target} were not all handled within ${p.ms} ms (${p.waiting} still waiting)`),
} as const;

export type ErrorCode = keyof typeof errorCodes;
type ParamsOf<C extends ErrorCode> = (typeof errorCodes)[C] extends CodeDefinition<infer P> ? P : never;

/** Codes that existed once and must never be given a new meaning. */
export const retiredCodes: readonly string[] = [];

/** Build the error for `code` from its template. */
export function paddockError<C extends ErrorCode>(
  code: C,
  params: ParamsOf<C>,
  options: PaddockErrorOptions = {},
): PaddockError {
  const definition = errorCodes[code] as CodeDefinition<ParamsOf<C>>;
  const plugin = options.plugin ?? (params as { plugin?: unknown }).plugin;
  return new definition.class(code, definition.message(params), {
    ...options,
    ...(typeof plugin === 'string' ? { plugin } : {}),
    details: { ...(params as Record<string, unknown>), ...options.details },
  });
}

export function isPaddockError(value: unknown, code?: ErrorCode): value is PaddockError {
  return value instanceof PaddockError && (code === undefined || value.code === code);
}

/** True when the error was thrown by plugin code (possibly in another thread). */
export function isPluginError(value: unknown): boolean {
  return value instanceof PaddockError && value.origin === 'plugin';
}

export function describeError(value: unknown): string {
  if (value instanceof Error) return `${value.name}: ${value.message}`;
  return String(value);
}
