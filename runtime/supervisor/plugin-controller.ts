/**
 * One plugin's life on the host side.
 *
 *   loading ─▶ starting ─▶ running ─▶ stopping ─▶ stopped
 *                 │  ▲         │
 *                 │  └─ crashed ◀┘  (worker exit, uncaught error, out of memory, blocked loop)
 *                 ▼        │ backoff: restartBackoffMs × 2^(n-1), at most maxRestartBackoffMs
 *               failed ◀───┘ after maxRestarts consecutive crashes (or a refused first start)
 *
 * Every transition is reported (runtime event `plugin:state` and a log line). Calls in
 * flight are rejected the moment the worker dies; events queued for the plugin survive
 * a restart; invoke() during a restart waits for the plugin to be running again.
 */
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { paddockError, PaddockError, PluginLoadError } from '../../sdk/errors.js';
import { assertCloneable } from '../../sdk/kernel/cloneable.js';
import type { LogSeverity, PluginMeta } from '../../sdk/types.js';
import type { ActionInfo, CollectorInfo, StartReport, TaskInfo } from '../../sdk/kernel/protocol.js';
import { NO_PERMISSIONS, type DenialReport, type PermissionGrant } from '../../sdk/kernel/sandbox-data.js';
import type { TaskBoot } from '../../sdk/kernel/task-protocol.js';
import type { AnyMethod, EventDefinition } from '../api/define.js';
import { createHostEndpoint } from '../api/host-endpoint.js';
import type { EventBus } from '../events/event-bus.js';
import type { Outbox } from '../events/outbox.js';
import type { ResolvedLimits, ResolvedOptions } from '../options.js';
import { packageMetaMismatch } from '../packages/package-meta.js';
import type { InstallProgress } from '../packages/progress.js';
import { resolvePluginUrl, type ResolveContext, type ResolvedPlugin, type SchemeResolver } from '../resolve/resolve-url.js';
import { sandboxExtras } from '../permissions/sandbox-extras.js';
import type { TokenAuthority } from '../tokens.js';
import type { ExitInfo, PluginTransport, TransportFactory } from '../transport/types.js';
import { verifyMeta } from '../verify-meta.js';
import { CallTracker } from './call-tracker.js';

export type PluginState = 'loading' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'failed';

export interface StateChange {
  id: string;
  from: PluginState;
  to: PluginState;
  reason?: string;
  error?: Error;
}

export interface PluginInfo {
  id: string;
  url: string;
  state: PluginState;
  /** When the plugin entered its current state (ms since epoch). */
  since: number;
  meta?: PluginMeta;
  actions: ActionInfo[];
  /** Stateless tasks (run with runtime.runTask). */
  tasks: TaskInfo[];
  /** Set when the plugin is a Heartbeat-style collector (InfoPlugin / MonitorPlugin). */
  collector?: CollectorInfo;
  scopes: string[];
  subscriptions: string[];
  /** Restarts after crashes since the plugin was loaded. */
  restarts: number;
  droppedEvents: number;
  lastError?: { code?: string; message: string };
  /** Effective permissions: the entry's, within the host's maxPermissions (see formatPermissions). */
  permissions: PermissionGrant;
  /** What runs the plugin: a worker thread or a child process. */
  isolation: 'worker' | 'process';
}

export interface PluginEntryResolved {
  id: string;
  url: string;
  baseDir: string;
  options: Record<string, unknown>;
  scopes: string[];
  limits: ResolvedLimits;
  /** Extension fields of the entry (permissions, …), passed to the worker as is. */
  extensions: Record<string, unknown>;
}

export interface ControllerServices {
  options: Readonly<ResolvedOptions>;
  logger: Logger;
  tokens: TokenAuthority;
  bus: EventBus;
  /** Picks what runs the plugin (a worker thread unless the entry asks otherwise). */
  transportFor(entry: PluginEntryResolved): TransportFactory;
  /** Resolves an entry whose plugin is not a module url (an external executable). */
  resolve?(entry: PluginEntryResolved): Promise<ResolvedPlugin> | undefined;
  methods: ReadonlyMap<string, AnyMethod>;
  events: ReadonlyMap<string, EventDefinition>;
  schemes: ReadonlyMap<string, SchemeResolver>;
  /** After resolution: install the npm:/jsr: imports found in the plugin's source. */
  prepareImports?(resolved: ResolvedPlugin, context: ResolveContext): Promise<ResolvedPlugin>;
  /** Progress of installs made while loading. */
  onProgress?(id: string, progress: InstallProgress): void;
  onState(change: StateChange): void;
  onOutput(id: string, stream: 'stdout' | 'stderr', line: string, severity?: LogSeverity): void;
  onDropped(id: string, count: number, total: number): void;
  /** The plugin's sandbox refused something. */
  onDenied?(id: string, report: DenialReport): void;
  /** A host-API call of the plugin was answered (for runtime/metrics/). */
  onCall?(id: string, method: string, ms: number, ok: boolean): void;
}

const STOPPABLE: ReadonlySet<PluginState> = new Set(['loading', 'starting', 'running', 'crashed']);

function heartbeatInterval(blockTimeoutMs: number): number {
  return Math.max(20, Math.min(1000, Math.floor(blockTimeoutMs / 5)));
}

export class PluginController {
  readonly id: string;
  readonly #services: ControllerServices;
  readonly #logger: Logger;
  readonly #outbox: Outbox;
  #entry: PluginEntryResolved;
  #calls: CallTracker;
  #state: PluginState = 'loading';
  #since = Date.now();
  #resolved: ResolvedPlugin | undefined;
  #report: StartReport | undefined;
  #meta: PluginMeta | undefined;
  #transport: PluginTransport | undefined;
  #liveTokens: string[] = [];
  #generation = 0;
  #crashes = 0;
  #restarts = 0;
  #lastError: Error | undefined;
  #exitReason: string | undefined;
  #exitError: Error | undefined;
  #refreshTimer: NodeJS.Timeout | undefined;
  #restartTimer: NodeJS.Timeout | undefined;
  #stableTimer: NodeJS.Timeout | undefined;
  #stopWatching: (() => void) | undefined;
  #stopWatchingMemory: (() => void) | undefined;
  #runningWaiters: Array<{ resolve: () => void; reject: (error: Error) => void }> = [];

  constructor(entry: PluginEntryResolved, services: ControllerServices) {
    this.id = entry.id;
    this.#entry = entry;
    this.#services = services;
    this.#logger = services.logger;
    this.#calls = new CallTracker(entry.id, entry.limits.maxConcurrentCalls);
    this.#outbox = services.bus.outbox(entry.id, entry.limits.eventQueueLimit, {
      onDropped: (count, total) => services.onDropped(entry.id, count, total),
      onUncloneable: (event, error) => this.#logger.error({ err: error, event }, `event ${JSON.stringify(event)} cannot be copied to the plugin and was discarded`),
    });
  }

  get state(): PluginState {
    return this.#state;
  }

  get entry(): Readonly<PluginEntryResolved> {
    return this.#entry;
  }

  info(): PluginInfo {
    const info: PluginInfo = {
      id: this.id,
      url: this.#entry.url,
      state: this.#state,
      since: this.#since,
      actions: this.#report?.actions ?? [],
      tasks: this.#report?.tasks ?? [],
      scopes: [...this.#entry.scopes],
      subscriptions: [...this.#outbox.subscriptions],
      restarts: this.#restarts,
      droppedEvents: this.#outbox.droppedTotal,
      permissions: (this.#entry.extensions.permissions as PermissionGrant | undefined) ?? NO_PERMISSIONS,
      isolation: this.#entry.extensions.isolation === 'process' ? 'process' : 'worker',
    };
    if (this.#meta) info.meta = { ...this.#meta };
    if (this.#report?.collector) info.collector = { ...this.#report.collector };
    if (this.#lastError) {
      const code = (this.#lastError as { code?: unknown }).code;
      info.lastError = { message: this.#lastError.message, ...(typeof code === 'string' ? { code } : {}) };
    }
    return info;
  }

  /** Resolve the url and start the plugin; rejects (state failed) if it is refused. */
  async load(): Promise<void> {
    const generation = ++this.#generation;
    this.#setState('loading');
    try {
      const context: ResolveContext = { baseDir: this.#entry.baseDir, onProgress: (progress) => this.#services.onProgress?.(this.id, progress) };
      // An external executable resolves on its own; a module resolves by its url, then gets its npm:/jsr: imports installed.
      const external = this.#services.resolve?.(this.#entry);
      if (external) {
        this.#resolved = await external;
      } else {
        const resolved = await resolvePluginUrl(this.#entry.url, context, this.#services.schemes);
        this.#resolved = this.#services.prepareImports ? await this.#services.prepareImports(resolved, context) : resolved;
      }
    } catch (error) {
      if (generation === this.#generation) this.#fail(error as Error);
      throw error;
    }
    if (generation !== this.#generation) throw this.#stoppedWhileStarting();
    await this.#launch(true);
  }

  /** Invoke a named action of the plugin. Waits (up to callTimeoutMs) if the plugin is restarting. */
  async invoke(action: string, params: unknown): Promise<unknown> {
    assertCloneable(params, `params of action ${JSON.stringify(action)}`, this.id);
    await this.#whenRunning(this.#entry.limits.callTimeoutMs);
    const transport = this.#transport!;
    return this.#calls.run(`action ${JSON.stringify(action)}`, this.#entry.limits.callTimeoutMs, () => transport.control.invoke(action, params));
  }

  /** Resolves when the plugin runs; waits (up to callTimeoutMs) if it is starting or restarting. */
  ready(): Promise<void> {
    return this.#whenRunning(this.#entry.limits.callTimeoutMs);
  }

  /** Run a collector's collect() with a deadline. */
  async collect(timeoutMs: number): Promise<unknown> {
    await this.#whenRunning(this.#entry.limits.callTimeoutMs);
    const transport = this.#transport!;
    return this.#calls.run('collect()', timeoutMs, () => transport.control.collect());
  }

  /** What a pool thread needs to run the plugin's tasks: the boot record without the API link. */
  taskBoot(): TaskBoot | undefined {
    const resolved = this.#resolved;
    if (!resolved || this.#state !== 'running') return undefined;
    return {
      id: this.id,
      url: this.#entry.url,
      moduleUrl: this.#report?.tasksModule ?? resolved.moduleUrl,
      options: this.#entry.options,
      dataDir: this.#dataDir(),
      extensions: this.#bootExtensions(resolved),
    };
  }

  /**
   * What the plugin's code needs from the host besides its options, the same for its
   * worker and its task threads: the entry's extension fields (permissions, …), what
   * resolution added (npm:/jsr: imports), its code and module folders, and the parts of
   * its sandbox only the host can work out (granted env values and commands, …).
   */
  #bootExtensions(resolved: ResolvedPlugin): Record<string, unknown> {
    const grant = (this.#entry.extensions.permissions ?? NO_PERMISSIONS) as PermissionGrant;
    return {
      ...this.#entry.extensions,
      ...resolved.extensions,
      codeDir: resolved.codeDir,
      ...(resolved.moduleDirs ? { moduleDirs: resolved.moduleDirs } : {}),
      sandbox: sandboxExtras(grant, this.#entry.limits, resolved.codeDir),
    };
  }

  /** New options: configure() is called again (or the plugin restarts if it has none). */
  async reconfigure(options: Record<string, unknown>): Promise<void> {
    assertCloneable(options, 'options', this.id);
    this.#entry = { ...this.#entry, options };
    if (this.#state !== 'running') return;
    if (!this.#report?.hooks.configure) {
      await this.reload();
      return;
    }
    const transport = this.#transport!;
    await this.#calls.run('configure()', this.#entry.limits.callTimeoutMs, () => transport.control.configure(options));
    this.#logger.info('reconfigured');
  }

  /** Stop and start again from a fresh worker (re-resolving the url); queued events are kept. */
  async reload(): Promise<void> {
    await this.stop('reload', { keepEvents: true });
    await this.load();
  }

  /**
   * Stop the plugin: cleanup() with a deadline, then terminate the worker. Tokens are
   * revoked. With keepEvents, the outbox and subscriptions stay for the next start.
   */
  async stop(reason: string, { keepEvents = false } = {}): Promise<void> {
    const wasActive = STOPPABLE.has(this.#state);
    this.#generation++;
    this.#clearTimers();
    const transport = this.#transport;
    if (wasActive) this.#setState('stopping', reason);
    if (transport && !transport.exited) {
      try {
        const result = await this.#calls.run('cleanup()', this.#entry.limits.stopTimeoutMs, () => transport.control.stop(), { lifecycle: true });
        this.#logger.debug({ cleanup: result.cleanup }, 'cleanup() finished');
      } catch (error) {
        this.#logger.warn({ err: error }, `cleanup() did not finish cleanly: ${(error as Error).message}`);
      }
    }
    this.#calls.rejectAll(`was stopped (${reason})`);
    this.#outbox.detach();
    if (transport) await transport.terminate();
    this.#transport = undefined;
    this.#revokeTokens();
    if (!keepEvents) this.#services.bus.remove(this.id);
    this.#rejectWaiters(paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin: this.id, state: 'stopped' }));
    if (wasActive || this.#state === 'stopping') this.#setState('stopped', reason);
  }

  async #launch(initial: boolean): Promise<void> {
    const generation = this.#generation;
    const limits = this.#entry.limits;
    const resolved = this.#resolved!;
    this.#setState('starting');
    this.#exitReason = undefined;
    this.#exitError = undefined;
    this.#calls = new CallTracker(this.id, limits.maxConcurrentCalls);
    let transport: PluginTransport | undefined;
    try {
      await mkdir(this.#dataDir(), { recursive: true });
      const token = this.#issueToken();
      const endpoint = createHostEndpoint({
        pluginId: this.id,
        tokens: this.#services.tokens,
        methods: this.#services.methods,
        events: this.#services.events,
        context: (scopes) => ({ plugin: { id: this.id, name: this.#meta?.name }, logger: this.#logger, scopes }),
        subscribe: (events) => this.#services.bus.subscribe(this.#outbox, events),
        unsubscribe: (events) => this.#services.bus.unsubscribe(this.#outbox, events),
        denied: (report) => this.#services.onDenied?.(this.id, report),
        maxConcurrentCalls: limits.maxConcurrentCalls,
        observe: (method, ms, ok) => this.#services.onCall?.(this.id, method, ms, ok),
      });
      transport = this.#services.transportFor(this.#entry)({
        limits,
        endpoint,
        heartbeatIntervalMs: heartbeatInterval(limits.blockTimeoutMs),
        boot: {
          id: this.id,
          url: this.#entry.url,
          moduleUrl: resolved.moduleUrl,
          options: this.#entry.options,
          // Pup's `host:port` form, so `http://${apiUrl}` is a URL; the host never listens there.
          apiUrl: 'paddock.invalid:1',
          token,
          callTimeoutMs: limits.callTimeoutMs,
          dataDir: this.#dataDir(),
          extensions: this.#bootExtensions(resolved),
        },
        onOutput: (stream, line, severity) => this.#services.onOutput(this.id, stream, line, severity),
        onProtocolViolation: (problem) => this.#logger.warn(`protocol violation: the plugin sent ${problem}; it was dropped`),
        onExit: (info) => this.#onExit(generation, info),
      });
      this.#transport = transport;
      const watched = transport;
      this.#stopWatching = watched.watchLiveness(limits.blockTimeoutMs, (ms) => {
        this.#exitReason = `its event loop was blocked for ${ms} ms`;
        this.#logger.error(`event loop blocked for ${ms} ms (limits.blockTimeoutMs ${limits.blockTimeoutMs}); terminating`);
        void watched.terminate();
      });
      this.#stopWatchingMemory = watched.watchMemory?.(limits.maxExternalMemoryMb, (usedMb) => {
        const error = paddockError('PADDOCK_ERR_RESOURCE_LIMIT', {
          plugin: this.id, limit: `limits.maxExternalMemoryMb (${limits.maxExternalMemoryMb} MB)`, detail: `it held ${usedMb} MB outside the V8 heap`,
        });
        this.#exitReason = `held ${usedMb} MB of external memory (limits.maxExternalMemoryMb ${limits.maxExternalMemoryMb})`;
        this.#exitError = error;
        this.#logger.error(error.message);
        void watched.terminate();
      });
      const control = transport.control;
      const report = await this.#calls.run('start (import and construct)', limits.startTimeoutMs, () => control.start(), { lifecycle: true });
      this.#ensureCurrent(generation);
      this.#meta = verifyMeta(this.id, report.meta, this.#services.options.apiVersion, report.metaRule);
      this.#checkPackageMeta(resolved, this.#meta);
      this.#report = report;
      await this.#calls.run('validate()', limits.callTimeoutMs, () => control.validate(), { lifecycle: true });
      this.#ensureCurrent(generation);
      await this.#calls.run('configure()', limits.callTimeoutMs, () => control.configure(this.#entry.options), { lifecycle: true });
      this.#ensureCurrent(generation);
      this.#services.bus.setSubscriptions(this.#outbox, this.#allowedSubscriptions(report.subscriptions));
      this.#outbox.attach(transport.events);
      this.#services.bus.kick(this.#outbox);
      this.#scheduleRefresh();
      this.#stableTimer = setTimeout(() => {
        this.#crashes = 0;
      }, limits.stableAfterMs).unref();
      this.#setState('running');
      this.#resolveWaiters();
    } catch (error) {
      if (generation !== this.#generation) {
        // Stopped while starting: stop() owns the cleanup and the state.
        if (transport && !transport.exited) await transport.terminate();
        throw this.#stoppedWhileStarting();
      }
      this.#clearTimers();
      const exitReason = this.#exitReason;
      this.#calls.rejectAll('failed to start');
      if (transport) await transport.terminate();
      this.#transport = undefined;
      this.#revokeTokens();
      const failure = this.#startError(error, exitReason);
      if (initial) {
        this.#fail(failure);
        throw failure;
      }
      this.#crashed(failure.message, failure);
    }
  }

  #startError(error: unknown, exitReason: string | undefined): Error {
    if (error instanceof PluginLoadError) return error;
    if (error instanceof PaddockError && (error.code === 'PADDOCK_ERR_PLUGIN_THREW' || error.origin === 'plugin')) return error;
    const reason = exitReason ?? (error instanceof Error ? error.message : String(error));
    return paddockError('PADDOCK_ERR_START_FAILED', { plugin: this.id, reason }, { cause: error });
  }

  #onExit(generation: number, info: ExitInfo): void {
    if (generation !== this.#generation) return;
    const reason = this.#exitReason ?? describeExit(info);
    this.#calls.rejectAll(reason);
    if (this.#state === 'starting') return; // #launch sees the rejected start call and handles it
    if (this.#state !== 'running') return;
    this.#clearTimers();
    this.#outbox.detach();
    this.#transport = undefined;
    this.#revokeTokens();
    const error = info.error ?? this.#exitError ?? new Error(reason);
    this.#logger.error({ err: info.error }, `plugin crashed: its worker ${reason}`);
    this.#crashed(reason, error);
  }

  #crashed(reason: string, error: Error): void {
    this.#lastError = error;
    this.#crashes++;
    this.#setState('crashed', reason, error);
    const limits = this.#entry.limits;
    if (this.#crashes > limits.maxRestarts) {
      this.#fail(paddockError('PADDOCK_ERR_START_FAILED', {
        plugin: this.id, reason: `it crashed ${this.#crashes} times in a row (limits.maxRestarts ${limits.maxRestarts}); last: ${reason}`,
      }, { cause: error }));
      return;
    }
    const delay = Math.min(limits.restartBackoffMs * 2 ** (this.#crashes - 1), limits.maxRestartBackoffMs);
    this.#logger.warn(`restarting in ${delay} ms (crash ${this.#crashes} of at most ${limits.maxRestarts})`);
    const generation = this.#generation;
    this.#restartTimer = setTimeout(() => {
      this.#restartTimer = undefined;
      if (generation !== this.#generation || this.#state !== 'crashed') return;
      this.#restarts++;
      this.#launch(false).catch((e: unknown) => this.#logger.error({ err: e }, 'restart failed'));
    }, delay);
  }

  #fail(error: Error): void {
    this.#lastError = error;
    this.#clearTimers();
    this.#setState('failed', error.message, error);
    this.#services.bus.remove(this.id);
    this.#rejectWaiters(error);
  }

  #setState(to: PluginState, reason?: string, error?: Error): void {
    const from = this.#state;
    if (from === to && to !== 'crashed') return;
    this.#state = to;
    this.#since = Date.now();
    const change: StateChange = { id: this.id, from, to };
    if (reason !== undefined) change.reason = reason;
    if (error !== undefined) change.error = error;
    this.#services.onState(change);
  }

  #ensureCurrent(generation: number): void {
    if (generation !== this.#generation) throw this.#stoppedWhileStarting();
  }

  #stoppedWhileStarting(): Error {
    return paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin: this.id, state: 'stopped while it was starting' });
  }

  #checkPackageMeta(resolved: ResolvedPlugin, meta: PluginMeta): void {
    const pkg = resolved.package;
    if (!pkg) return;
    const problems = packageMetaMismatch(pkg, meta);
    if (problems.length) this.#logger.warn({ package: pkg, meta: { name: meta.name, version: meta.version } }, `package ${pkg.name}@${pkg.version} and the plugin's meta disagree: ${problems.join('; ')}`);
  }

  #allowedSubscriptions(events: string[]): string[] {
    const scopes = new Set(this.#entry.scopes);
    return events.filter((event) => {
      const scope = this.#services.events.get(event)?.scope;
      if (scope === undefined || scopes.has(scope)) return true;
      this.#logger.warn(`may not subscribe to ${JSON.stringify(event)}: needs the scope ${JSON.stringify(scope)}`);
      return false;
    });
  }

  #dataDir(): string {
    return join(this.#services.options.dataDir, this.id);
  }

  #issueToken(): string {
    const { token } = this.#services.tokens.issue(this.id, this.#entry.scopes, this.#services.options.tokenLifeMs);
    this.#liveTokens.push(token);
    return token;
  }

  #revokeTokens(): void {
    for (const token of this.#liveTokens) this.#services.tokens.revoke(token);
    this.#liveTokens = [];
  }

  #scheduleRefresh(): void {
    const { tokenLifeMs, tokenRenewBeforeMs } = this.#services.options;
    this.#refreshTimer = setTimeout(() => void this.#refreshToken(), tokenLifeMs - tokenRenewBeforeMs);
    this.#refreshTimer.unref();
  }

  async #refreshToken(): Promise<void> {
    const transport = this.#transport;
    if (this.#state !== 'running' || !transport) return;
    const token = this.#issueToken();
    // Older tokens stay valid until they expire, so calls already under way succeed.
    this.#liveTokens = this.#liveTokens.slice(-2);
    this.#scheduleRefresh();
    try {
      await this.#calls.run('refreshApiToken()', this.#entry.limits.callTimeoutMs, () => transport.control.refreshApiToken(token), { lifecycle: true });
      this.#logger.debug('token renewed');
    } catch (error) {
      this.#logger.warn({ err: error }, `token renewal: ${(error as Error).message}`);
    }
  }

  #whenRunning(timeoutMs: number): Promise<void> {
    if (this.#state === 'running') return Promise.resolve();
    if (this.#state !== 'starting' && this.#state !== 'crashed' && this.#state !== 'loading') {
      return Promise.reject(paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin: this.id, state: this.#state }));
    }
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.#runningWaiters = this.#runningWaiters.filter((w) => w !== waiter);
        reject(paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin: this.id, state: `${this.#state} (waited ${timeoutMs} ms)` }));
      }, timeoutMs);
      const waiter = {
        resolve: () => {
          clearTimeout(timer);
          resolve();
        },
        reject: (error: Error) => {
          clearTimeout(timer);
          reject(error);
        },
      };
      this.#runningWaiters.push(waiter);
    });
  }

  #resolveWaiters(): void {
    const waiters = this.#runningWaiters;
    this.#runningWaiters = [];
    for (const w of waiters) w.resolve();
  }

  #rejectWaiters(error: Error): void {
    const waiters = this.#runningWaiters;
    this.#runningWaiters = [];
    for (const w of waiters) w.reject(error);
  }

  #clearTimers(): void {
    clearTimeout(this.#refreshTimer);
    clearTimeout(this.#restartTimer);
    clearTimeout(this.#stableTimer);
    this.#stopWatching?.();
    this.#stopWatchingMemory?.();
    this.#refreshTimer = this.#restartTimer = this.#stableTimer = undefined;
    this.#stopWatching = this.#stopWatchingMemory = undefined;
  }
}

function describeExit(info: ExitInfo): string {
  if (info.reason) return info.reason;
  const error = info.error as (Error & { code?: string }) | undefined;
  if (error?.code === 'ERR_WORKER_OUT_OF_MEMORY') return `ran out of memory (${error.message})`;
  if (error) return `threw an uncaught error: ${error.name}: ${error.message}`;
  return `exited with code ${info.code}`;
}
