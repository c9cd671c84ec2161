/**
 * A small process manager embedding Paddock the way Pup would: it supervises the
 * processes of its config, runs the plugins of its config in sandboxed workers, and
 * offers them Pup's plugin API (api.ts) and events (events.ts).
 *
 *   config ─▶ ProcessHost ─┬─ PluginRuntime ── plugins (workers) ◀─ API calls, ─▶ events
 *                          ├─ ProcessSupervisor ── child processes
 *                          └─ every second: watchdog, application_state
 *
 * Life: start() loads the plugins, emits `init`, starts the processes. A plugin's
 * `terminate()` (or requestTermination) resolves `terminated`; stop() then emits
 * `terminating`, stops the processes, lets the plugins see the last events, and stops
 * the plugins (their cleanup() runs).
 */
import { createRequire } from 'node:module';
import { resolve } from 'node:path';
import {
  isPaddockError,
  paddockError,
  PluginRuntime,
  readConfigFile,
  type LoadReport,
  type LogSeverity,
  type RuntimeOptions,
} from '../index.js';
import type { Logger } from 'pino';
import type { ApiIpcData, ApiTelemetryData } from '../../sdk/kernel/pup-api-definitions.js';
import { PROCESS_HOST_API_VERSION, processHostApi, PUP_DEFAULT_SCOPES } from './api.js';
import { applicationState, type HostState } from './app-state.js';
import { processHostConfigSchema, stopTimeoutMsOf, unimplementedKeys, type ProcessHostConfig } from './config.js';
import { PROCESS_HOST_EVENTS } from './events.js';
import { runtimePluginServices } from './plugin-api.js';
import { DEFAULT_STOP_TIMEOUT_MS } from './processes/managed-process.js';
import { ProcessSupervisor } from './processes/supervisor.js';

const PINO_LEVEL: Record<LogSeverity, 'debug' | 'info' | 'warn' | 'error'> = { debug: 'debug', info: 'info', log: 'info', warn: 'warn', error: 'error' };

const VERSION = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

export interface ProcessHostOptions {
  logger: Logger;
  /** Runtime options other than those the host sets itself (API, events, logger, API version, baseDir). */
  runtime?: Omit<RuntimeOptions, 'api' | 'events' | 'logger' | 'logLevel' | 'prettyLogs' | 'apiVersion' | 'baseDir'>;
  /** Period of watchdog and application_state (default 1000 ms, as in Pup). */
  stateIntervalMs?: number;
  /** Grace period announced with `terminating`: how long plugins get to see the last events (default 5000 ms). */
  forceQuitMs?: number;
}

export class ProcessHost {
  readonly config: ProcessHostConfig;
  /** Folder the config's relative paths are resolved against. */
  readonly baseDir: string;
  readonly runtime: PluginRuntime;
  readonly processes: ProcessSupervisor;
  readonly logger: Logger;
  /** Resolves with the reason once termination is requested (a plugin's terminate(), a signal, …). */
  readonly terminated: Promise<string>;
  readonly #started = new Date();
  /** Where the config came from, for error messages. */
  readonly #source: string;
  readonly #stateIntervalMs: number;
  readonly #forceQuitMs: number;
  #requestTermination!: (reason: string) => void;
  #terminationRequested = false;
  #ticker: NodeJS.Timeout | undefined;
  #stopping: Promise<void> | undefined;
  readonly #killOnExit = () => this.processes.killAll();

  /** Read and validate a config file (JSONC); throws a ConfigError naming each bad field. */
  static async fromFile(file: string, options: ProcessHostOptions): Promise<ProcessHost> {
    const { config, baseDir } = await readConfigFile(file, processHostConfigSchema);
    return new ProcessHost(config, baseDir, { ...options, source: file });
  }

  constructor(config: ProcessHostConfig, baseDir: string, options: ProcessHostOptions & { source?: string }) {
    this.#source = options.source ?? 'object';
    this.config = config;
    this.baseDir = baseDir;
    this.logger = options.logger;
    this.#stateIntervalMs = options.stateIntervalMs ?? 1000;
    this.#forceQuitMs = options.forceQuitMs ?? 5000;
    this.terminated = new Promise((resolve) => {
      this.#requestTermination = resolve;
    });
    this.processes = new ProcessSupervisor(config.processes, baseDir, {
      emit: (event, data) => this.runtime.emit(event, data),
      log: (severity, text, processId) => this.log(severity, 'process', text, processId),
      output: (processId, stream, line) => this.#output(processId, stream, line),
      timing: (process) => ({
        stopTimeoutMs: stopTimeoutMsOf(process, config, DEFAULT_STOP_TIMEOUT_MS),
        graceMs: (process.terminateGracePeriod ?? config.terminateGracePeriod ?? 0) * 1000,
      }),
    });
    this.runtime = new PluginRuntime({
      ...options.runtime,
      apiVersion: PROCESS_HOST_API_VERSION,
      api: processHostApi({
        processes: this.processes,
        state: () => this.state(),
        terminate: (reason) => this.requestTermination(reason),
        ipc: (data) => this.#ipc(data),
        telemetry: (data) => this.#telemetry(data),
        plugins: runtimePluginServices(() => this.runtime),
      }),
      events: PROCESS_HOST_EVENTS,
      logger: this.logger,
      baseDir,
      // The config file holds every plugin's options: no plugin's code folder opens it.
      hiddenPaths: [...(options.runtime?.hiddenPaths ?? []), ...(options.source ? [resolve(options.source)] : [])],
    });
    // What plugins log and how they fare is part of the host log, and so of the `log` event.
    this.runtime.on('plugin:log', ({ id, severity, message }) => this.#emitLog(severity, 'plugin', message, id));
    this.runtime.on('plugin:state', (change) => this.#emitLog(change.to === 'failed' || change.to === 'crashed' || change.to === 'unresponsive' ? 'error' : 'info', 'runtime',
      `${change.from} → ${change.to}${change.reason ? ` (${change.reason})` : ''}`, change.id));
  }

  /** Load the plugins (a failing one is reported and the others go on), then start the processes. */
  async start(): Promise<LoadReport> {
    const enabled = this.config.plugins.filter((p) => p.enabled !== false).length;
    const name = this.config.name === undefined ? '' : ` ${this.config.name}`;
    this.log('info', 'host', `starting${name}: ${enabled} plugin(s), ${this.config.processes.length} process(es)`);
    const ignored = unimplementedKeys(this.config);
    if (ignored.length) this.log('warn', 'host', `${this.#source}: accepted but not implemented by this host (see docs/reference/pup-compatibility.md): ${ignored.join(', ')}`);
    // Pup gives every plugin its whole API; an entry's own `scopes` narrow that.
    const plugins = this.config.plugins.map((entry) => (entry.scopes === undefined ? { ...entry, scopes: [...PUP_DEFAULT_SCOPES] } : entry));
    const report = await this.runtime.loadConfig({ plugins }, { baseDir: this.baseDir }).catch((error: unknown) => {
      // Entries the runtime refuses as a whole (unknown scope, duplicate id) are config mistakes: name the file.
      if (isPaddockError(error, 'PADDOCK_ERR_CONFIG_INVALID')) {
        throw paddockError('PADDOCK_ERR_CONFIG_INVALID', { source: this.#source, problems: String(error.details.problems) }, { cause: error });
      }
      throw error;
    });
    for (const failure of report.failed) this.log('error', 'host', `plugin ${failure.path} (${failure.id}) did not start: ${failure.error.message}`);
    process.on('exit', this.#killOnExit);
    this.runtime.emit('init');
    await this.processes.init();
    this.#ticker = setInterval(() => this.#tick(), this.#stateIntervalMs);
    this.log('info', 'host', `running: plugins ${report.loaded.map((p) => p.id).join(', ') || '(none)'}; processes ${this.config.processes.map((p) => p.id).join(', ') || '(none)'}`);
    return report;
  }

  state(): HostState {
    return applicationState({ started: this.#started, version: VERSION, processes: this.processes.list().map((p) => p.status()) });
  }

  /** Ask the host to shut down; `terminated` resolves with the reason. */
  requestTermination(reason: string): void {
    if (this.#terminationRequested) return;
    this.#terminationRequested = true;
    this.log('info', 'host', `terminating: ${reason}`);
    this.#requestTermination(reason);
  }

  /** Shut down: `terminating`, processes stop, plugins see the last events, plugins stop. */
  stop(reason = 'stopped'): Promise<void> {
    this.#stopping ??= this.#stop(reason);
    return this.#stopping;
  }

  /** A line in the host log, the log store plugins query, and the `log` event. */
  log(severity: LogSeverity, category: string, text: string, processId?: string): void {
    const fields = processId === undefined ? { category } : { category, process: processId };
    this.logger[PINO_LEVEL[severity]](fields, text);
    this.runtime.record({ processId: processId ?? 'host', category, severity, text });
    this.#emitLog(severity, category, text, processId);
  }

  async #stop(reason: string): Promise<void> {
    this.requestTermination(reason);
    clearInterval(this.#ticker);
    this.runtime.emit('terminating', this.#forceQuitMs);
    await this.processes.stopAll(reason);
    await this.#drain();
    await this.runtime.close();
    process.off('exit', this.#killOnExit);
    this.log('info', 'host', 'stopped');
  }

  /** Let plugins handle the events queued so far (the processes' last states), within the grace period. */
  async #drain(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const graceOver = new Promise<'late'>((resolve) => {
      timer = setTimeout(() => resolve('late'), this.#forceQuitMs);
    });
    const outcome = await Promise.race([this.runtime.drain().then(() => 'drained' as const), graceOver]);
    clearTimeout(timer);
    if (outcome === 'late') this.log('warn', 'host', `plugins had not handled every event after ${this.#forceQuitMs} ms; stopping them anyway`);
  }

  #tick(): void {
    this.runtime.emit('watchdog');
    this.runtime.emit('application_state', this.state());
  }

  #output(processId: string, stream: 'stdout' | 'stderr', line: string): void {
    const severity: LogSeverity = stream === 'stdout' ? 'info' : 'warn';
    this.logger[PINO_LEVEL[severity]]({ process: processId, stream }, line);
    this.runtime.record({ processId, category: stream, severity, text: line });
    this.#emitLog(severity, stream, line, processId);
  }

  #emitLog(severity: LogSeverity, category: string, text: string, processId: string | undefined): void {
    this.runtime.emit('log', { timeStamp: Date.now(), severity, category, text, processId: processId ?? 'host' });
  }

  /** Pup's telemetry: kept in the sender process's status and emitted; false when no process has that id. */
  #telemetry(data: ApiTelemetryData): boolean {
    const id = data.sender?.trim().toLowerCase();
    const target = this.processes.list().findLast((p) => p.id.toLowerCase() === id);
    if (!target) return false;
    target.setTelemetry(data);
    this.runtime.emit('process_telemetry', data);
    return true;
  }

  #ipc(data: ApiIpcData): boolean {
    this.runtime.emit('ipc', data);
    const target = this.processes.get(data.target);
    if (target) target.write(JSON.stringify({ event: data.event, eventData: data.eventData, sender: data.sender }));
    return true;
  }
}
