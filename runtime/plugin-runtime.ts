/**
 * PluginRuntime: what a host embeds. It loads plugins into isolated workers, offers them
 * the host's API (token- and scope-checked), delivers host events to the plugins that
 * subscribed, supervises them (restart with backoff, blocked-loop detection) and stops
 * them cleanly.
 *
 * Events on the runtime (it is an eventemitter3 emitter):
 * - host and plugin events by name: `(data, source)`; `source.plugin` is the publisher's id
 *   when a plugin published it;
 * - `plugin:state` (StateChange), `plugin:log` ({ id, severity, message }),
 *   `plugin:dropped` ({ id, count, total }), `plugin:leave` ({ id, reason }),
 *   `plugin:error` ({ id, error }), `plugin:denied` ({ id, permission, access, resource }),
 *   `plugin:progress` ({ id, specifier, phase, done?, total?, bytes?, message? } while an
 *   npm:/jsr: package is installed for a plugin),
 *   `plugin:info` and `plugin:monitor` (CollectedResult).
 *
 * Besides actions (invoke), plugins may have stateless tasks (runTask: a piscina pool
 * per plugin, or a process per run for external plugins: runtime/tasks/) and be
 * Heartbeat-style collectors (runtime/collectors/). An entry with `exec` runs an
 * external executable instead of a module (runtime/external/).
 */
import { resolve } from 'node:path';
import { EventEmitter } from 'eventemitter3';
import type { Logger } from 'pino';
import { isPaddockError, isPluginError, paddockError } from '../sdk/errors.js';
import { type LogItem, type LogQuery, type LogSeverity } from '../sdk/types.js';
import { builtinMethods, BUILTIN_METHOD_NAMES } from './api/builtins.js';
import type { AnyMethod } from './api/define.js';
import { checkEventName } from './api/host-endpoint.js';
import type { CollectedResult } from './collectors/collector-scheduler.js';
import { defaultExternalId, externalTransport, externalUrl, resolveIfExternal } from './external/index.js';
import { PluginModels } from './plugin-models.js';
import type { TaskRunOptions } from './tasks/task-types.js';
import { readConfigFile, validateConfig } from './config/load.js';
import { configSchema, isModuleEntry, pluginEntrySchema, type PaddockConfig, type PluginEntry, type PluginEntryInput } from './config/schema.js';
import { formatIssues } from './config/format-issues.js';
import { EventBus } from './events/event-bus.js';
import { createLogger } from './logging/logger.js';
import { LogStore } from './logging/log-store.js';
import { DropLog } from './events/drop-log.js';
import { LogBudget } from './logging/log-budget.js';
import { sizeUpTo } from './limits/measure.js';
import { resolveLimits, resolveOptions, type ResolvedOptions, type RuntimeOptions } from './options.js';
import { PackageLoader } from './packages/package-loader.js';
import type { InstallProgress } from './packages/progress.js';
import { DenialLog } from './permissions/denial-log.js';
import { effectivePermissions, normalizePermissions } from './permissions/effective.js';
import { slugify, type SchemeResolver } from './resolve/resolve-url.js';
import { PluginController, type PluginEntryResolved, type PluginInfo, type StateChange } from './supervisor/plugin-controller.js';
import { settlesWithin } from './supervisor/deadline.js';
import { StartSlots } from './supervisor/start-slots.js';
import { TokenAuthority } from './tokens.js';
import { MetricsStore } from './metrics/metrics-store.js';
import type { RuntimeMetrics } from './metrics/types.js';
import { SpareWorkers } from './transport/spare-workers.js';
import type { TransportFactory } from './transport/types.js';
import { spawnPluginWorker, WorkerTransport } from './transport/worker-transport.js';
import { osWall, type OsWall } from './transport/os-wall.js';
import { ProcessTransport } from './transport/process-transport.js';
import { PluginHostPool, type PluginHostProcess } from './transport/plugin-host.js';
import { startTaskProcess } from './transport/task-process.js';
import type { TaskBoot } from '../sdk/kernel/task-protocol.js';
import { HostedWorkerTransport, hostedLimits } from './transport/hosted-worker-transport.js';
import type { DenialReport, PermissionGrant } from '../sdk/kernel/sandbox-data.js';

export interface EventSource {
  /** Id of the plugin that published the event; absent when the host emitted it. */
  plugin?: string;
}

/** The runtime's own events; any other name is a host or plugin event `(data, source)`. */
export interface RuntimeEvents {
  'plugin:state': (change: StateChange) => void;
  'plugin:log': (entry: { id: string; severity: LogSeverity; message: string }) => void;
  'plugin:dropped': (notice: { id: string; count: number; total: number }) => void;
  'plugin:leave': (notice: { id: string; reason: string | undefined }) => void;
  'plugin:error': (notice: { id: string; error: Error }) => void;
  'plugin:progress': (progress: InstallProgress & { id: string }) => void;
  'plugin:denied': (notice: { id: string } & DenialReport) => void;
  'plugin:info': (result: CollectedResult) => void;
  'plugin:monitor': (result: CollectedResult) => void;
}

type HostEventListener = (data: unknown, source: EventSource) => void;

// Typed listeners for the runtime's own events; any other name carries (data, source).
export interface PluginRuntime {
  on<K extends keyof RuntimeEvents>(event: K, listener: RuntimeEvents[K]): this;
  on(event: string, listener: HostEventListener): this;
  once<K extends keyof RuntimeEvents>(event: K, listener: RuntimeEvents[K]): this;
  once(event: string, listener: HostEventListener): this;
  off<K extends keyof RuntimeEvents>(event: K, listener?: RuntimeEvents[K]): this;
  off(event: string, listener?: HostEventListener): this;
}

export interface LoadOptions {
  /** Resolve a relative url against this folder (default: the runtime's baseDir). */
  baseDir?: string;
  /** Where the entry came from, for error paths (e.g. "plugins[2]"). */
  path?: string;
}

export interface LoadReport {
  loaded: PluginInfo[];
  failed: Array<{ id: string; path: string; error: Error }>;
}

const FROM_HOST: EventSource = Object.freeze({});

const SEVERITY_TO_PINO: Record<LogSeverity, 'debug' | 'info' | 'warn' | 'error'> = {
  debug: 'debug', info: 'info', log: 'info', warn: 'warn', error: 'error',
};

// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class PluginRuntime extends EventEmitter<string> {
  readonly logger: Logger;
  /** Recent log items, queryable by plugins through `logs()`. */
  readonly logs: LogStore;
  readonly #options: Readonly<ResolvedOptions>;
  readonly #tokens = new TokenAuthority();
  readonly #bus = new EventBus();
  readonly #plugins = new Map<string, PluginController>();
  readonly #methods: ReadonlyMap<string, AnyMethod>;
  readonly #schemes = new Map<string, SchemeResolver>();
  readonly #spares: SpareWorkers | undefined;
  /** The plugin-host processes worker-tier plugins run in (option workerHost "plugin-host"). */
  readonly #pluginHosts: PluginHostPool | undefined;
  readonly #packages: PackageLoader;
  readonly #denials: DenialLog;
  readonly #models: PluginModels;
  readonly #logBudget: LogBudget;
  readonly #dropLog: DropLog;
  readonly #startSlots: StartSlots;
  readonly #metrics = new MetricsStore();
  #closed = false;

  constructor(options: RuntimeOptions = {}) {
    super();
    this.#options = resolveOptions(options);
    this.logger = this.#options.logger ?? createLogger({ level: this.#options.logLevel, pretty: this.#options.prettyLogs });
    this.logs = new LogStore(this.#options.logStoreSize);
    this.#methods = this.#buildMethods();
    this.#denials = new DenialLog(this.logger);
    this.#startSlots = new StartSlots(this.#options.maxConcurrentStarts);
    const { logLinesPerSecond, logBytesPerSecond } = this.#options.caps;
    this.#logBudget = new LogBudget(logLinesPerSecond, logBytesPerSecond, (id, dropped) => {
      this.logger.child({ plugin: id }).warn({ droppedLines: dropped.lines, droppedBytes: dropped.bytes },
        `dropped ${dropped.lines} log lines (${dropped.bytes} bytes) over caps.logLinesPerSecond (${logLinesPerSecond}) / caps.logBytesPerSecond (${logBytesPerSecond})`);
    });
    const { maxQueuedEventBytes } = this.#options.caps;
    this.#dropLog = new DropLog((id, line) => {
      const bounds = line.reasons.map((r) => r === 'bytes' ? `caps.maxQueuedEventBytes (${maxQueuedEventBytes})` : 'limits.eventQueueLimit').join(' and ');
      this.logger.child({ plugin: id }).warn({ dropped: line.count, total: line.total, bounds: line.reasons },
        `dropped ${line.count} events for plugin ${JSON.stringify(id)} (its queue was full: ${bounds}); ${line.total} dropped in all`);
    });
    // Spares live where workers start: in the shared plugin-host process, or here.
    this.#pluginHosts = this.#options.workerHost === 'plugin-host'
      ? new PluginHostPool(this.logger, { n: this.#options.spareWorkers, limits: hostedLimits(this.#options.limits) })
      : undefined;
    this.#spares = this.#options.spareWorkers > 0 && !this.#pluginHosts
      ? new SpareWorkers(this.#options.spareWorkers, this.#options.limits, this.logger)
      : undefined;
    this.#packages = new PackageLoader(this.#options.packages, this.logger.child({ component: 'packages' }));
    this.registerScheme('npm', this.#packages);
    this.registerScheme('jsr', this.#packages);
    this.#models = new PluginModels({
      logger: this.logger,
      tokens: this.#tokens,
      methods: this.#methods,
      events: this.#options.events,
      controller: (id) => this.#plugins.get(id),
      output: (id, severity, line, stream) => this.#pluginLog(id, severity, line, stream),
      collected: (result) => super.emit(result.kind === 'info' ? 'plugin:info' : 'plugin:monitor', result),
      taskHost: (controller, boot) => this.#taskHost(controller, boot),
    });
  }

  /** The host API version plugins' `meta.api` ranges are checked against. */
  get apiVersion(): string {
    return this.#options.apiVersion;
  }

  get options(): Readonly<ResolvedOptions> {
    return this.#options;
  }

  /** Teach the runtime a url scheme (`npm`, `jsr`, …). */
  registerScheme(scheme: string, resolver: SchemeResolver): void {
    this.#schemes.set(scheme.replace(/:$/, '').toLowerCase(), resolver);
  }

  /** Load one plugin and start it. Rejects with a clear error if it is refused. */
  async load(entry: PluginEntryInput, options: LoadOptions = {}): Promise<PluginInfo> {
    const controller = this.#createController(this.#parseEntry(entry, options), options);
    try {
      await controller.load();
    } finally {
      // Started (or failed): a warm spare it took is replaced now, not beside its start.
      this.#spares?.refill();
    }
    return controller.info();
  }

  /**
   * Load every enabled plugin of a config (a JSON/JSONC file or an object). An invalid
   * config throws before anything loads; a plugin that fails is reported and the others go on.
   */
  async loadConfig(source: string | PaddockConfig, options: { baseDir?: string } = {}): Promise<LoadReport> {
    // The file holds every plugin's options: no plugin reads it unless a grant names it.
    if (typeof source === 'string') this.#hideFile(source);
    const { config, baseDir } = typeof source === 'string'
      ? await readConfigFile(source, configSchema)
      : { config: validateConfig(source, 'object', configSchema), baseDir: options.baseDir ?? this.#options.baseDir };
    const controllers: Array<{ path: string; controller: PluginController }> = [];
    const problems: string[] = [];
    config.plugins.forEach((entry, index) => {
      if (entry.enabled === false) return;
      try {
        controllers.push({ path: `plugins[${index}]`, controller: this.#createController(entry, { baseDir, path: `plugins[${index}]` }) });
      } catch (error) {
        const message = (error as Error).message;
        problems.push(message.startsWith('invalid config') ? message.split('\n').slice(1).join('\n') : `  - plugins[${index}].id: ${message}`);
      }
    });
    if (problems.length) {
      for (const { controller } of controllers) this.#plugins.delete(controller.id);
      throw paddockError('PADDOCK_ERR_CONFIG_INVALID', { source: typeof source === 'string' ? source : 'object', problems: problems.join('\n') });
    }
    const results = await Promise.allSettled(controllers.map(({ controller }) => controller.load()));
    this.#spares?.refill();
    const report: LoadReport = { loaded: [], failed: [] };
    results.forEach((result, i) => {
      const { path, controller } = controllers[i]!;
      if (result.status === 'fulfilled') report.loaded.push(controller.info());
      else report.failed.push({ id: controller.id, path, error: result.reason as Error });
    });
    return report;
  }

  /** Stop a plugin (cleanup() runs, its token is revoked) and forget it. */
  async unload(id: string): Promise<void> {
    const controller = this.#get(id);
    await controller.stop('unload');
    this.#plugins.delete(id);
    this.#denials.forget(id);
    this.#logBudget.forget(id);
    this.#dropLog.forget(id);
    this.#metrics.forget(id);
  }

  /** Stop a plugin but keep it listed (state stopped); reload() starts it again. */
  async stop(id: string, reason = 'stopped by the host'): Promise<void> {
    this.#assertOpen();
    await this.#get(id).stop(reason, { keepEvents: true });
  }

  /** Stop and start a plugin from a fresh worker; events queued for it are kept. */
  async reload(id: string): Promise<PluginInfo> {
    this.#assertOpen();
    const controller = this.#get(id);
    await controller.reload();
    return controller.info();
  }

  /**
   * Emit a host event: to host listeners, and to every plugin subscribed to it (queued,
   * batched, never awaited). Returns true if anyone listens.
   */
  override emit(event: string, data?: unknown): boolean {
    checkEventName(event);
    // Measured once, here: the same size counts against every subscriber's queue.
    const cap = this.#options.caps.maxEventBytes;
    const bytes = sizeUpTo(data, cap);
    if (bytes > cap) {
      throw paddockError('PADDOCK_ERR_CAP_EXCEEDED', { what: `event ${JSON.stringify(event)} emitted by the host`, cap: 'maxEventBytes', detail: `more than ${cap} bytes; it was not emitted` });
    }
    const local = super.emit(event, data, FROM_HOST);
    return this.#bus.publish(event, data, bytes) > 0 || local;
  }

  /** Invoke a named action of a plugin; resolves with its result. */
  async invoke(id: string, action: string, params?: unknown): Promise<unknown> {
    this.#assertOpen();
    const controller = this.#get(id);
    return this.#metrics.time('actions', id, action, () => controller.invoke(action, params));
  }

  /**
   * Run a stateless task of a plugin (in its pool, or as a process for an external
   * plugin); resolves with its result. `signal` cancels it, `onProgress` hears its
   * progress reports in order, `timeoutMs` overrides its deadline.
   */
  async runTask(id: string, task: string, params?: unknown, options: TaskRunOptions = {}): Promise<unknown> {
    this.#assertOpen();
    const controller = this.#get(id);
    return this.#metrics.time('tasks', id, task, () => this.#models.tasks.run(controller, task, params, options));
  }

  /** Change a plugin's options at run time: configure() is called again, no restart. */
  async reconfigure(id: string, options: Record<string, unknown>): Promise<void> {
    this.#assertOpen();
    await this.#get(id).reconfigure(options);
    // Pool threads were given the old options: the next task starts a new pool.
    this.#models.tasks.renew(id);
  }

  /** Drop every cached info result and collect it again; resolves with the new results by plugin id. */
  refreshInfo(): Promise<Record<string, CollectedResult>> {
    this.#assertOpen();
    return this.#models.collectors.refreshInfo();
  }

  /** The latest result of a collector plugin: its cached info, or its last measurement. */
  collected(id: string): CollectedResult | undefined {
    return this.#models.collectors.latest(id);
  }

  list(): PluginInfo[] {
    return [...this.#plugins.values()].map((c) => c.info());
  }

  /**
   * Per-plugin figures measured by the host (docs/reference/metrics.md): state, restarts, host-API
   * calls, actions, tasks, events, denials, memory. Memory and event-loop use are sampled
   * every 2 s; `sampleMetrics()` samples now.
   */
  metrics(): RuntimeMetrics {
    return this.#metrics.snapshot(this.list(), (id) => this.#bus.get(id));
  }

  /** Sample memory and event-loop use now (metrics() then shows fresh figures). */
  sampleMetrics(): Promise<void> {
    return this.#metrics.sample();
  }

  get(id: string): PluginInfo | undefined {
    return this.#plugins.get(id)?.info();
  }

  /**
   * Resolves once every event queued so far (for one plugin or all) is handled or dropped;
   * rejects with PADDOCK_ERR_DRAIN_TIMEOUT after `timeoutMs` (default limits.callTimeoutMs),
   * so a frozen plugin cannot hold the caller.
   */
  async drain(id?: string, { timeoutMs = this.#options.limits.callTimeoutMs }: { timeoutMs?: number } = {}): Promise<void> {
    if (await settlesWithin(this.#bus.drain(id), timeoutMs)) return;
    throw paddockError('PADDOCK_ERR_DRAIN_TIMEOUT', { target: id === undefined ? 'all plugins' : `plugin ${JSON.stringify(id)}`, ms: timeoutMs, waiting: this.#bus.pending(id) });
  }

  /**
   * The plugin-host processes alive now (workerHost "plugin-host"; none in-process): the
   * shared one and any a repeat offender was isolated in, with their pids, so an operator
   * or a benchmark can see what they cost.
   */
  pluginHostProcesses(): Array<{ label: string; pid: number | undefined; plugins: number }> {
    return (this.#pluginHosts?.processes() ?? []).map((h) => ({ label: h.label, pid: h.pid, plugins: h.size }));
  }

  /** Resolves when the plugin-host process (workerHost) and its warm spare workers (option spareWorkers) are ready. */
  async warmUp(): Promise<void> {
    await this.#spares?.warm();
    await this.#pluginHosts?.warm();
  }

  /**
   * Stop every plugin, all at once, then the spare workers. Resolves by closeTimeoutMs
   * whatever the plugins do: one that has not stopped by then is logged and left behind.
   */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    const controllers = [...this.#plugins.values()];
    const stopping = new Set(controllers.map((c) => c.id));
    const all = Promise.allSettled([
      this.#models.close(),
      ...controllers.map((controller) => controller.stop('runtime closing').then(
        () => stopping.delete(controller.id),
        (error: unknown) => this.logger.error({ err: error, plugin: controller.id }, 'failed to stop plugin'),
      )),
    ]).then(() => this.#spares?.close());
    if (!await settlesWithin(all, this.#options.closeTimeoutMs)) {
      this.logger.error({ plugins: [...stopping] }, `close(): ${stopping.size} plugin(s) had not stopped within closeTimeoutMs (${this.#options.closeTimeoutMs} ms): ${[...stopping].join(', ')}`);
    }
    this.#plugins.clear();
    this.#logBudget.close();
    this.#dropLog.close();
    this.#metrics.close();
    // After the plugins (or the deadline): their threads live in it.
    await this.#pluginHosts?.close();
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  /** Add an item to the log store that plugins query (e.g. a managed process's output). */
  record(item: Omit<LogItem, 'timeStamp'> & { timeStamp?: number }): void {
    this.logs.append({ timeStamp: Date.now(), ...item });
  }

  #assertOpen(): void {
    if (this.#closed) throw paddockError('PADDOCK_ERR_RUNTIME_CLOSED', {});
  }

  #get(id: string): PluginController {
    const controller = this.#plugins.get(id);
    if (!controller) throw paddockError('PADDOCK_ERR_UNKNOWN_PLUGIN', { plugin: id, loaded: [...this.#plugins.keys()] });
    return controller;
  }

  #parseEntry(input: PluginEntryInput, options: LoadOptions): PluginEntry {
    const parsed = pluginEntrySchema.safeParse(input);
    if (!parsed.success) {
      throw paddockError('PADDOCK_ERR_CONFIG_INVALID', { source: options.path ?? 'entry', problems: formatIssues(parsed.error, options.path ? [options.path] : []) });
    }
    return parsed.data;
  }

  #hideFile(path: string): void {
    const file = resolve(path);
    if (!this.#options.hiddenPaths.includes(file)) this.#options.hiddenPaths.push(file);
  }

  /** A controller for a parsed entry (parsed once: by load(), or with its config file by loadConfig()). */
  #createController(entry: PluginEntry, options: LoadOptions): PluginController {
    this.#assertOpen();
    const where = options.path ?? 'entry';
    const scopes = [...new Set([...this.#options.defaultScopes, ...(entry.scopes ?? [])])];
    const known = this.#knownScopes();
    const unknown = (entry.scopes ?? []).map((s, i) => [s, i] as const).filter(([s]) => !known.has(s));
    if (unknown.length) {
      throw paddockError('PADDOCK_ERR_CONFIG_INVALID', {
        source: where,
        problems: unknown.map(([s, i]) => `  - ${options.path ? `${options.path}.` : ''}scopes[${i}]: unknown scope ${JSON.stringify(s)} (this host knows: ${[...known].join(', ')})`).join('\n'),
      });
    }
    const module = isModuleEntry(entry) ? entry : undefined;
    const exec = isModuleEntry(entry) ? undefined : entry;
    const url = module ? module.url : externalUrl(exec!.exec);
    // A second entry for the same plugin is refused rather than renamed: a silent "-2"
    // would change which data folder and log name it gets with the order of the config.
    const id = entry.id ?? (module ? defaultIdFor(module.url) : defaultExternalId(exec!.exec));
    if (this.#plugins.has(id)) {
      throw paddockError('PADDOCK_ERR_DUPLICATE_ID', { plugin: id, ...(entry.id === undefined ? { derivedFrom: module ? module.url : [exec!.exec].flat().join(' ') } : {}) });
    }
    const baseDir = options.baseDir ?? this.#options.baseDir;
    const { granted, narrowed } = effectivePermissions(normalizePermissions(entry.permissions, baseDir), this.#options.maxPermissions);
    if (module && entry.isolation === 'process') this.#checkOsWall(id);
    if (narrowed.length) {
      this.logger.child({ plugin: id }).warn(`permissions narrowed to the host's maxPermissions:\n  ${narrowed.join('\n  ')}`);
    }
    const resolvedEntry: PluginEntryResolved = {
      id,
      url,
      baseDir: options.baseDir ?? this.#options.baseDir,
      options: entry.options ?? {},
      scopes,
      limits: resolveLimits(this.#options.limits, entry.limits),
      permissions: granted,
      isolation: entry.isolation ?? 'worker',
      collector: entry.collector,
      pool: module?.pool,
      exec: exec && { exec: exec.exec, interface: exec.interface, dir: exec.dir, errLog: exec.errLog, env: exec.env, meta: exec.meta, tasks: exec.tasks },
    };
    const controller = new PluginController(resolvedEntry, {
      options: this.#options,
      logger: this.logger.child({ plugin: id }),
      tokens: this.#tokens,
      bus: this.#bus,
      transportFor: (resolved) => this.#transportFor(resolved),
      resolve: resolveIfExternal,
      methods: this.#methods,
      events: this.#options.events,
      schemes: this.#schemes,
      prepareImports: (resolved, context) => this.#packages.prepareImports(resolved, context),
      onProgress: (pluginId, progress) => super.emit('plugin:progress', { id: pluginId, ...progress }),
      onState: (change) => this.#onState(change),
      startSlots: this.#startSlots,
      onOutput: (pluginId, stream, line, severity) => this.#pluginLog(pluginId, severity ?? (stream === 'stdout' ? 'info' : 'warn'), line, stream),
      onCall: (pluginId, method, ms, ok) => this.#metrics.call('hostCalls', pluginId, method, ms, ok),
      onDenied: (pluginId, report) => {
        this.#denials.record(pluginId, report);
        this.#metrics.denied(pluginId, report);
        super.emit('plugin:denied', { id: pluginId, ...report });
      },
      onDropped: (pluginId, count, total, reason) => {
        if (this.#plugins.get(pluginId)) this.#dropLog.record(pluginId, count, total, reason);
        super.emit('plugin:dropped', { id: pluginId, count, total });
      },
    });
    this.#plugins.set(id, controller);
    return controller;
  }

  /**
   * An external plugin's process (runtime/external/); a child process for
   * `isolation: "process"`; otherwise a worker thread: in a plugin-host process with
   * `workerHost: "plugin-host"`, else in this process, from a warm spare when the
   * plugin's heap and stack limits are the default ones.
   */
  #transportFor(entry: PluginEntryResolved): TransportFactory {
    const external = externalTransport(entry);
    if (external) {
      return (options) => {
        const transport = external(options);
        this.#metrics.runner(entry.id, { pid: () => (transport as { pid?: number }).pid });
        return transport;
      };
    }
    return (options) => {
      if (entry.isolation === 'process') {
        const transport = new ProcessTransport(options, this.osWall);
        this.#metrics.runner(entry.id, { pid: () => transport.pid });
        return transport;
      }
      if (this.#pluginHosts) {
        const transport = new HostedWorkerTransport(options, this.#pluginHosts);
        // Its process is shared by every hosted plugin: no pid (its RSS is not this plugin's).
        this.#metrics.runner(entry.id, { measured: () => transport.measured() });
        return transport;
      }
      const spares = this.#spares;
      const l = entry.limits;
      const fits = spares !== undefined && l.maxOldGenerationSizeMb === spares.limits.maxOldGenerationSizeMb
        && l.maxYoungGenerationSizeMb === spares.limits.maxYoungGenerationSizeMb && l.stackSizeMb === spares.limits.stackSizeMb;
      const spare = fits ? spares.take() : undefined;
      if (spare) this.logger.debug({ plugin: entry.id }, 'plugin worker started from a warm spare');
      const worker = spare ?? spawnPluginWorker(l, `paddock:${entry.id}`);
      this.#metrics.runner(entry.id, { worker });
      return new WorkerTransport(options, worker);
    };
  }

  /**
   * Where a plugin's task threads run when not in this process: a process-isolated
   * plugin's in a task process under its flags and wall; with workerHost "plugin-host",
   * a worker-tier plugin's in the plugin-host process its worker runs in.
   */
  #taskHost(controller: PluginController, boot: TaskBoot) {
    const maxResultBytes = this.#options.caps.maxCallBytes;
    if (controller.entry.isolation === 'process') {
      const host = startTaskProcess(boot, controller.entry.limits, this.osWall, this.logger);
      return { host, release: (h: PluginHostProcess) => void h.close(), maxResultBytes };
    }
    const hosts = this.#pluginHosts;
    if (!hosts) return undefined;
    return { host: hosts.hostFor(controller.id), release: (h: PluginHostProcess) => hosts.released(h), maxResultBytes };
  }

  /** The OS wall process-isolated plugins run in (probed once per bwrap path). */
  get osWall(): OsWall {
    return osWall(this.#options.bwrapPath);
  }

  /** A process-isolated plugin without the wall: refused (requireOsSandbox) or warned about, by name. */
  #checkOsWall(id: string): void {
    const wall = this.osWall;
    if (wall.available) return;
    const reason = wall.reason ?? 'unknown';
    if (this.#options.requireOsSandbox) throw paddockError('PADDOCK_ERR_OS_SANDBOX_UNAVAILABLE', { plugin: id, reason });
    this.logger.child({ plugin: id }).warn(`process-isolated plugin ${JSON.stringify(id)} runs without the OS wall (Node's permission model and the gates only): ${reason}`);
  }

  #knownScopes(): Set<string> {
    const scopes = new Set<string>(this.#options.defaultScopes);
    for (const method of this.#methods.values()) scopes.add(method.scope);
    for (const event of this.#options.events.values()) if (event.scope) scopes.add(event.scope);
    return scopes;
  }

  #onState(change: StateChange): void {
    const log = this.logger.child({ plugin: change.id });
    const text = `${change.from} → ${change.to}${change.reason ? ` (${change.reason})` : ''}`;
    const bad = change.to === 'failed' || change.to === 'crashed' || change.to === 'unresponsive';
    if (bad) log.error(failureFields(change.error), text);
    else log.info(text);
    this.logs.append({ timeStamp: Date.now(), processId: change.id, category: 'runtime', severity: bad ? 'error' : 'info', text });
    this.#metrics.state(change);
    super.emit('plugin:state', change);
    this.#models.follow(change);
    if (change.error && bad) super.emit('plugin:error', { id: change.id, error: change.error });
  }

  #pluginLog(id: string, severity: LogSeverity, message: string, category = 'plugin'): void {
    // Every line here comes from a plugin: its log calls and its output, within its budget.
    if (!this.#logBudget.admit(id, message.length)) return;
    this.logger.child({ plugin: id })[SEVERITY_TO_PINO[severity]](message);
    this.logs.append({ timeStamp: Date.now(), processId: id, category, severity, text: message });
    super.emit('plugin:log', { id, severity, message });
  }

  #buildMethods(): ReadonlyMap<string, AnyMethod> {
    const methods = new Map<string, AnyMethod>(Object.entries(builtinMethods({
      log: (id, severity, message) => this.#pluginLog(id, severity, message),
      queryLogs: (query: LogQuery) => this.logs.query(query),
      publish: (id, event, data) => {
        checkEventName(event);
        // An event the host defined (option events) is the host's word: a plugin publishing
        // it would reach that event's subscribers (scoped ones too) as if the host spoke.
        if (this.#options.events.has(event)) {
          throw paddockError('PADDOCK_ERR_EVENT_NAME', { event, reason: 'it is defined by the host (option events), and only the host emits it' });
        }
        const cap = this.#options.caps.maxEventBytes;
        const bytes = sizeUpTo(data, cap);
        if (bytes > cap) {
          const error = paddockError('PADDOCK_ERR_CAP_EXCEEDED', { plugin: id, what: `event ${JSON.stringify(event)}`, cap: 'maxEventBytes', detail: `more than ${cap} bytes; it was not published` });
          this.logger.child({ plugin: id }).warn(error.message);
          throw error;
        }
        super.emit(event, data, { plugin: id } satisfies EventSource);
        this.#bus.publish(event, data, bytes, this.#bus.get(id));
      },
      leave: (id, reason) => {
        super.emit('plugin:leave', { id, reason });
        // After the reply has gone out: stopping waits for the plugin's cleanup().
        setImmediate(() => {
          this.#plugins.get(id)?.stop(reason ? `left: ${reason}` : 'left').catch((error: unknown) =>
            this.logger.error({ err: error, plugin: id }, 'failed to stop a plugin that asked to leave'));
        });
      },
    })));
    for (const [name, method] of this.#options.api) {
      if (BUILTIN_METHOD_NAMES.has(name)) {
        throw paddockError('PADDOCK_ERR_API_DEFINITION', { method: name, reason: 'the name is taken by a built-in method' });
      }
      methods.set(name, method);
    }
    return methods;
  }
}

/** The id of a module plugin whose entry gives none, from its url. */
/**
 * What a failed/crashed line carries besides its text, which already holds the reason:
 * the error's code, and for an error thrown by plugin code its stack frames. Logging the
 * whole error would print its message twice more (`err.message` and the stack's first line).
 */
function failureFields(error: Error | undefined): Record<string, unknown> {
  if (!error) return {};
  const code = (error as { code?: unknown }).code;
  const frames = isPluginError(error) || !isPaddockError(error) ? (error.stack ?? '').split('\n').filter((l) => /^\s+at /.test(l)).map((l) => l.trim()) : [];
  return { ...(typeof code === 'string' ? { code } : {}), ...(frames.length ? { stack: frames } : {}), errorType: error.name };
}

export function defaultIdFor(url: string): string {
  const npm = /^(?:npm|jsr):(@?[^@]+)/i.exec(url);
  if (npm) return slugify(npm[1]!.split('/').pop()!);
  const path = url.replace(/^file:(\/\/)?/, '').replace(/[?#].*$/, '');
  const parts = path.split(/[\\/]/).filter(Boolean);
  let name = parts.pop() ?? 'plugin';
  const stem = name.replace(/\.(c|m)?(j|t)s$/, '');
  if (['index', 'mod', 'plugin', 'main'].includes(stem) && parts.length) name = parts.pop()!;
  else name = stem;
  return slugify(name);
}
