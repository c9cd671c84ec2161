/**
 * One plugin's life on the host side.
 *
 *   loading ─▶ starting ─▶ running ─▶ stopping ─▶ stopped
 *                 │  ▲         │
 *                 │  └─ crashed ◀┘  (worker exit, uncaught error, out of memory, blocked loop)
 *                 ▼        │ backoff: restartBackoffMs × 2^(n-1), at most maxRestartBackoffMs
 *               failed ◀───┘ after maxRestarts consecutive crashes (or a refused first start)
 *
 *   any state with a worker ─▶ unresponsive  when the worker does not go away within
 *                              terminateTimeoutMs of terminate() (a thread blocked in a
 *                              system call): calls rejected, channels closed, tokens
 *                              revoked, the thread abandoned; unload() or reload() go on from there
 *
 * Every transition is reported (runtime event `plugin:state` and a log line). Calls in
 * flight are rejected the moment the worker dies; events queued for the plugin survive
 * a restart; invoke() during a restart waits for the plugin to be running again.
 */
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import type { Logger } from 'pino';
import { paddockError, PaddockError, PluginLoadError } from '../../sdk/errors.js';
import { assertCloneable } from '../../sdk/kernel/cloneable.js';
import { realPath } from '../../sdk/kernel/paths.js';
import { boundedError } from '../../sdk/kernel/serialize-error.js';
import type { LogSeverity, PluginMeta } from '../../sdk/types.js';
import type { ActionInfo, CollectorInfo, PluginBoot, StartReport, TaskInfo } from '../../sdk/kernel/protocol.js';
import type { DenialReport, PermissionGrant } from '../../sdk/kernel/sandbox-data.js';
import type { TaskBoot } from '../../sdk/kernel/task-protocol.js';
import type { AnyMethod, EventDefinition } from '../api/define.js';
import { checkSubscriptions, createHostEndpoint } from '../api/host-endpoint.js';
import type { CollectorConfig, PoolConfig } from '../config/entry-models.js';
import type { ExecFields } from '../config/schema.js';
import type { Isolation } from '../permissions/schema.js';
import type { EventBus } from '../events/event-bus.js';
import type { DropReason, Outbox } from '../events/outbox.js';
import type { ResolvedLimits, ResolvedOptions } from '../options.js';
import { packageMetaMismatch } from '../packages/package-meta.js';
import type { InstallProgress } from '../packages/progress.js';
import { resolvePluginUrl, type ResolveContext, type ResolvedPlugin, type SchemeResolver } from '../resolve/resolve-url.js';
import { sandboxExtras } from '../permissions/sandbox-extras.js';
import type { TokenAuthority } from '../tokens.js';
import type { ExitInfo, PluginTransport, TransportFactory } from '../transport/types.js';
import { checkReply, startReportSchema, stopReportSchema } from '../transport/wire-schemas.js';
import { verifyMeta } from '../verify-meta.js';
import { sizeUpTo } from '../limits/measure.js';
import { SEND_ENVELOPE_BYTES } from '../../sdk/kernel/protocol.js';
import { CallTracker } from './call-tracker.js';
import { settlesWithin } from './deadline.js';
import type { StartSlots } from './start-slots.js';

export type PluginState = 'loading' | 'starting' | 'running' | 'stopping' | 'stopped' | 'crashed' | 'failed' | 'unresponsive';

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
  /** Effective permissions: the entry's, within the host's maxPermissions. */
  permissions: PermissionGrant;
  isolation: Isolation;
  collector: CollectorConfig;
  /** A module plugin's task pool; undefined for an external plugin. */
  pool: PoolConfig | undefined;
  /** An external plugin's fields (runtime/external/); undefined for a module plugin. */
  exec: ExecFields | undefined;
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
  onDropped(id: string, count: number, total: number, reason: DropReason): void;
  /** Bounds how many plugins start at once (maxConcurrentStarts). */
  startSlots?: StartSlots;
  /** The plugin's sandbox refused something. */
  onDenied?(id: string, report: DenialReport): void;
  /** A host-API call of the plugin was answered (for runtime/metrics/). */
  onCall?(id: string, method: string, ms: number, ok: boolean): void;
}

const STOPPABLE: ReadonlySet<PluginState> = new Set(['loading', 'starting', 'running', 'crashed', 'unresponsive']);

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
  /** Expiry of the newest token issued to the plugin (ms since epoch). */
  #tokenExpiresAt = 0;
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
  /** Transports whose worker did not go away when terminated: never waited for again. */
  readonly #abandoned = new WeakSet<PluginTransport>();

  constructor(entry: PluginEntryResolved, services: ControllerServices) {
    this.id = entry.id;
    this.#entry = entry;
    this.#services = services;
    this.#logger = services.logger;
    this.#calls = new CallTracker(entry.id, entry.limits.maxConcurrentCalls);
    this.#outbox = services.bus.outbox(entry.id, entry.limits.eventQueueLimit, {
      onDropped: (count, total, reason) => services.onDropped(entry.id, count, total, reason),
      onUncloneable: (event, error) => this.#logger.error({ err: error, event }, `event ${JSON.stringify(event)} cannot be copied to the plugin and was discarded`),
    }, services.options.caps.maxQueuedEventBytes);
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
      permissions: this.#entry.permissions,
      isolation: this.#entry.isolation,
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
    const value = await this.#calls.run(`action ${JSON.stringify(action)}`, this.#entry.limits.callTimeoutMs, () => transport.control.invoke(action, params));
    const cap = this.#services.options.caps.maxCallBytes;
    if (sizeUpTo(value, cap) > cap) {
      const error = paddockError('PADDOCK_ERR_CAP_EXCEEDED', { plugin: this.id, what: `the result of action ${JSON.stringify(action)}`, cap: 'maxCallBytes', detail: `more than ${cap} bytes` });
      this.#logger.warn(error.message);
      throw error;
    }
    return value;
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
      maxSendBytes: this.#services.options.caps.maxCallBytes + SEND_ENVELOPE_BYTES,
      ...this.#bootSandbox(resolved),
    };
  }

  /**
   * What the plugin's code needs from the host besides its options, the same for its
   * worker and its task threads: its sandbox (the grant, its code and module folders, and
   * what only the host can work out: granted env values, commands, …) and what
   * resolution added (npm:/jsr: imports).
   */
  #bootSandbox(resolved: ResolvedPlugin): Pick<PluginBoot, 'sandbox' | 'packageImports' | 'importMap'> {
    const extras = sandboxExtras(this.#entry.permissions, this.#entry.limits, resolved.codeDir, this.#hiddenPaths());
    return {
      sandbox: { ...extras, grant: this.#entry.permissions, codeDir: resolved.codeDir, moduleDirs: [...extras.moduleDirs, ...(resolved.moduleDirs ?? [])] },
      ...(resolved.packageImports ? { packageImports: resolved.packageImports } : {}),
      ...(resolved.importMap ? { importMap: resolved.importMap } : {}),
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
        const result = checkReply(this.id, 'cleanup()', stopReportSchema,
          await this.#calls.run('cleanup()', this.#entry.limits.stopTimeoutMs, () => transport.control.stop(), { lifecycle: true }));
        this.#logger.debug({ cleanup: result.cleanup }, 'cleanup() finished');
      } catch (error) {
        this.#logger.warn({ err: error }, `cleanup() did not finish cleanly: ${(error as Error).message}`);
      }
    }
    this.#calls.rejectAll(`was stopped (${reason})`);
    this.#outbox.detach();
    if (transport) await this.#terminate(transport, `it was stopped (${reason})`);
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
    let releaseSlot: (() => void) | undefined;
    try {
      await mkdir(this.#dataDir(), { recursive: true });
      releaseSlot = await this.#services.startSlots?.acquire();
      this.#ensureCurrent(generation);
      this.#ensureCurrent(generation);
      const token = this.#issueToken();
      const endpoint = createHostEndpoint({
        pluginId: this.id,
        tokens: this.#services.tokens,
        methods: this.#services.methods,
        events: this.#services.events,
        context: (scopes) => ({ plugin: { id: this.id, name: this.#meta?.name }, logger: this.#logger, scopes }),
        subscribe: (events) => this.#services.bus.subscribe(this.#outbox, this.#withinSubscriptionCap(events)),
        unsubscribe: (events) => this.#services.bus.unsubscribe(this.#outbox, events),
        denied: (report) => this.#services.onDenied?.(this.id, report),
        maxConcurrentCalls: limits.maxConcurrentCalls,
        maxCallBytes: this.#services.options.caps.maxCallBytes,
        observe: (method, ms, ok) => this.#services.onCall?.(this.id, method, ms, ok),
      });
      transport = this.#services.transportFor(this.#entry)({
        limits,
        endpoint,
        heartbeatIntervalMs: heartbeatInterval(limits.blockTimeoutMs),
        maxLineBytes: this.#services.options.caps.maxOutputLineBytes,
        maxCallBytes: this.#services.options.caps.maxCallBytes,
        boot: {
          id: this.id,
          url: this.#entry.url,
          moduleUrl: resolved.moduleUrl,
          options: this.#entry.options,
          // Pup's `host:port` form, so `http://${apiUrl}` is a URL; the host never listens there.
          apiUrl: 'paddock.invalid:1',
          token,
          callTimeoutMs: limits.callTimeoutMs,
          // Each message the plugin's thread sends is refused there past this (workers/bounded-ports.ts).
          maxSendBytes: this.#services.options.caps.maxCallBytes + SEND_ENVELOPE_BYTES,
          dataDir: this.#dataDir(),
          ...this.#bootSandbox(resolved),
        },
        onOutput: (stream, line, severity) => this.#services.onOutput(this.id, stream, line, severity),
        onProtocolViolation: (problem) => this.#logger.warn(`protocol violation: the plugin sent ${problem}; it was dropped`),
        onExit: (info) => this.#onExit(generation, info),
      });
      this.#transport = transport;
      // Timed from issue, not from "running": a start longer than the token's life renews it on the way.
      this.#scheduleRefresh();
      const watched = transport;
      this.#stopWatching = watched.watchLiveness(limits.blockTimeoutMs, (ms) => {
        this.#exitReason = `its event loop was blocked for ${ms} ms`;
        this.#logger.error(`event loop blocked for ${ms} ms (limits.blockTimeoutMs ${limits.blockTimeoutMs}); terminating`);
        this.#kill(generation, watched, this.#exitReason);
      });
      this.#stopWatchingMemory = watched.watchMemory?.(limits.maxExternalMemoryMb, (usedMb) => {
        const error = paddockError('PADDOCK_ERR_RESOURCE_LIMIT', {
          plugin: this.id, limit: `limits.maxExternalMemoryMb (${limits.maxExternalMemoryMb} MB)`, detail: `it held ${usedMb} MB outside the V8 heap`,
        });
        this.#exitReason = `held ${usedMb} MB of external memory (limits.maxExternalMemoryMb ${limits.maxExternalMemoryMb})`;
        this.#exitError = error;
        this.#logger.error(error.message);
        this.#kill(generation, watched, this.#exitReason);
      });
      const control = transport.control;
      const reply = await this.#calls.run('start (import and construct)', limits.startTimeoutMs, () => control.start(), { lifecycle: true });
      // Booted and imported: the costly part of a start is over.
      releaseSlot?.();
      this.#ensureCurrent(generation);
      const report = checkReply(this.id, 'start', startReportSchema, reply);
      this.#meta = verifyMeta(this.id, report.meta, this.#services.options.apiVersion, report.metaRule);
      const subscriptions = checkSubscriptions(this.id, report.subscriptions, new Set(this.#entry.scopes), this.#services.events);
      this.#checkPackageMeta(resolved, this.#meta);
      this.#report = report;
      await this.#calls.run('validate()', limits.callTimeoutMs, () => control.validate(), { lifecycle: true });
      this.#ensureCurrent(generation);
      await this.#calls.run('configure()', limits.callTimeoutMs, () => control.configure(this.#entry.options), { lifecycle: true });
      this.#ensureCurrent(generation);
      // One rule on both roads (host-endpoint.ts checkSubscriptions): a subscription the
      // plugin's scopes do not allow is refused; so is one past caps.maxSubscriptions.
      const maxSubscriptions = this.#services.options.caps.maxSubscriptions;
      if (subscriptions.length > maxSubscriptions) {
        throw paddockError('PADDOCK_ERR_CAP_EXCEEDED', { plugin: this.id, what: `subscribing to ${subscriptions.length} events`, cap: 'maxSubscriptions', detail: `at most ${maxSubscriptions}` });
      }
      this.#services.bus.setSubscriptions(this.#outbox, subscriptions);
      this.#outbox.attach(transport.events);
      this.#services.bus.kick(this.#outbox);
      this.#stableTimer = setTimeout(() => {
        this.#crashes = 0;
      }, limits.stableAfterMs).unref();
      this.#setState('running');
      this.#resolveWaiters();
    } catch (error) {
      releaseSlot?.();
      if (generation !== this.#generation) {
        // Stopped while starting: stop() owns the cleanup and the state.
        if (transport && !transport.exited) await this.#terminate(transport, 'it was stopped while starting');
        throw this.#stoppedWhileStarting();
      }
      this.#clearTimers();
      const exitReason = this.#exitReason;
      this.#calls.rejectAll('failed to start');
      const exited = transport ? await this.#terminate(transport, exitReason ?? 'it failed to start') : true;
      if (generation !== this.#generation) throw this.#stoppedWhileStarting();
      this.#transport = undefined;
      this.#revokeTokens();
      if (!exited) {
        const stuck = this.#unresponsiveError(exitReason ?? 'it failed to start');
        this.#unresponsive(stuck);
        if (initial) throw stuck;
        return;
      }
      const failure = this.#startError(error, exitReason);
      if (initial) {
        this.#fail(failure);
        throw failure;
      }
      this.#crashed(failure.message, failure);
    }
  }

  /**
   * terminate() with a deadline (terminateTimeoutMs). False when the worker did not go
   * away in time: the transport is then abandoned (channels closed, never waited for again).
   */
  async #terminate(transport: PluginTransport, reason: string): Promise<boolean> {
    if (this.#abandoned.has(transport)) return false;
    const ms = this.#services.options.terminateTimeoutMs;
    if (await settlesWithin(transport.terminate(), ms)) return true;
    if (this.#abandoned.has(transport)) return false;
    this.#abandoned.add(transport);
    transport.abandon?.();
    this.#logger.error(`did not exit within ${ms} ms of being terminated (${reason}); its thread is abandoned`);
    return false;
  }

  /** Terminate a running (or starting) plugin the supervisor gave up on; mark it unresponsive if it does not go. */
  #kill(generation: number, transport: PluginTransport, reason: string): void {
    void this.#terminate(transport, reason).then((exited) => {
      if (exited || generation !== this.#generation) return;
      const error = this.#unresponsiveError(reason);
      // A start in progress sees its start call rejected here and finishes the job in #launch.
      this.#calls.rejectAll(error.message);
      if (this.#state !== 'running') return;
      this.#clearTimers();
      this.#outbox.detach();
      this.#transport = undefined;
      this.#revokeTokens();
      this.#unresponsive(error);
    });
  }

  #unresponsiveError(reason: string): Error {
    return paddockError('PADDOCK_ERR_PLUGIN_UNRESPONSIVE', { plugin: this.id, ms: this.#services.options.terminateTimeoutMs, reason });
  }

  #unresponsive(error: Error): void {
    this.#lastError = error;
    this.#setState('unresponsive', error.message, error);
    this.#rejectWaiters(error);
  }

  #startError(error: unknown, exitReason: string | undefined): Error {
    if (error instanceof PluginLoadError) return error;
    if (error instanceof PaddockError && (error.code === 'PADDOCK_ERR_PLUGIN_THREW' || error.origin === 'plugin')) return error;
    const reason = exitReason ?? (error instanceof Error ? error.message : String(error));
    return paddockError('PADDOCK_ERR_START_FAILED', { plugin: this.id, reason }, { cause: error });
  }

  #onExit(generation: number, exit: ExitInfo): void {
    if (generation !== this.#generation) return;
    // The error a plugin's thread died of is the plugin's: bounded before it is quoted.
    const info: ExitInfo = exit.error === undefined ? exit : { ...exit, error: boundedError(exit.error) };
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

  /** The data root (every plugin's data folder) and the host's hidden paths, as real paths. */
  #hiddenPaths(): string[] {
    const { dataDir, hiddenPaths } = this.#services.options;
    return [...new Set([dataDir, ...hiddenPaths].map((p) => realPath(resolve(p), true)))];
  }

  /** Refuse a subscription that would take the plugin past caps.maxSubscriptions. */
  #withinSubscriptionCap(events: string[]): string[] {
    const cap = this.#services.options.caps.maxSubscriptions;
    const current = this.#outbox.subscriptions;
    const added = new Set(events.filter((e) => !current.has(e))).size;
    if (current.size + added > cap) {
      const error = paddockError('PADDOCK_ERR_CAP_EXCEEDED', { plugin: this.id, what: `subscribing to ${added} more events`, cap: 'maxSubscriptions', detail: `it has ${current.size} of at most ${cap}` });
      this.#logger.warn(error.message);
      throw error;
    }
    return events;
  }

  #dataDir(): string {
    return join(this.#services.options.dataDir, this.id);
  }

  #issueToken(): string {
    const { token, claims } = this.#services.tokens.issue(this.id, this.#entry.scopes, this.#services.options.tokenLifeMs);
    this.#tokenExpiresAt = claims.exp;
    return token;
  }

  /** Every token this plugin was ever given is refused from now on (a new generation). */
  #revokeTokens(): void {
    this.#services.tokens.revokePlugin(this.id);
  }

  /** Renew `tokenRenewBeforeMs` before the newest token expires, counted from its issue. */
  #scheduleRefresh(): void {
    clearTimeout(this.#refreshTimer);
    const delay = Math.max(0, this.#tokenExpiresAt - this.#services.options.tokenRenewBeforeMs - Date.now());
    this.#refreshTimer = setTimeout(() => void this.#refreshToken(), delay);
    this.#refreshTimer.unref();
  }

  async #refreshToken(): Promise<void> {
    const transport = this.#transport;
    // While starting too: the worker side takes a new token before the plugin is constructed.
    if ((this.#state !== 'running' && this.#state !== 'starting') || !transport || transport.exited) return;
    // Older tokens of this generation stay valid until they expire, so calls under way succeed.
    const token = this.#issueToken();
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
