/**
 * `jsr:@pup/api-definitions` inside a Paddock worker: the data shapes of Pup's plugin
 * API (Hexagon/pup-api-definitions), so a Pup plugin's handlers find the fields they
 * expect. Mostly types, erased at load; `ApiProcessState` is a real enum because Pup
 * plugins compare statuses with it at run time.
 *
 * The Pup profile (runtime/pup/) builds its answers and events from these same
 * declarations. Dates are ISO strings, as Pup's JSON (REST answers and WebSocket
 * events) delivers them to a plugin.
 */

/** A process's status code, numbered as in Pup. */
export enum ApiProcessState {
  CREATED = 0,
  STARTING = 100,
  RUNNING = 200,
  STOPPING = 250,
  FINISHED = 300,
  ERRORED = 400,
  EXHAUSTED = 450,
  /** A cluster whose instances are in different states. */
  MIXED = 500,
}

export interface ApiPaths {
  temporaryStorage?: string;
  persistentStorage?: string;
  configFilePath?: string;
}

export interface ApiProcessInformation {
  id: string;
  status: ApiProcessState;
  code?: number;
  signal?: string;
  pid?: number;
  /** ISO date. */
  started?: string;
  /** ISO date. */
  exited?: string;
  blocked?: boolean;
  restarts?: number;
  /** ISO date. */
  updated: string;
  pendingRestartReason?: string;
  /** The last telemetry the process sent (Pup's /telemetry), until it starts again. */
  telemetry?: ApiTelemetryData;
  type: 'cluster' | 'process' | 'worker';
}

export interface ApiClusterConfiguration {
  instances?: number;
  commonPort?: number;
  startPort?: number;
  strategy?: string;
}

export interface ApiProcessConfiguration {
  id: string;
  cmd?: string;
  worker?: string[];
  env?: Record<string, string>;
  cwd?: string;
  path?: string;
  cluster?: ApiClusterConfiguration;
  pidFile?: string;
  watch?: string[];
  autostart?: boolean;
  cron?: string;
  terminate?: string;
  terminateTimeout?: number;
  terminateGracePeriod?: number;
  timeout?: number;
  overrun?: boolean;
  logger?: unknown;
  restart?: string;
  restartDelayMs?: number;
  restartLimit?: number;
}

/** One entry of `getProcesses()`. */
export interface ApiProcessData {
  status: ApiProcessInformation;
  config: ApiProcessConfiguration;
}

/** Data of `process_scheduled` (next cron start) and `process_scheduled_terminate` (next cron stop). */
export interface ApiProcessScheduledEvent {
  /** ISO date of the next run; absent when the pattern has no further run. */
  next?: string;
  status: ApiProcessInformation;
}

/** Data of `process_watch`. */
export interface ApiProcessWatchEvent {
  /** ISO date. */
  at: string;
  status: ApiProcessInformation;
}

/** Data of the `process_status_changed` event. */
export interface ApiProcessStateChangedEvent {
  old?: ApiProcessState | null;
  new?: ApiProcessState;
  status: ApiProcessInformation;
}

export interface ApiMemoryUsage {
  external?: number;
  heapTotal: number;
  heapUsed: number;
  rss: number;
}

/** System memory in bytes (Deno.SystemMemoryInfo in Pup). */
export interface ApiSystemMemory {
  total: number;
  /** MemFree on Linux (unused memory; page cache not counted), as Deno reports it. */
  free: number;
  /** Memory available to new applications without swapping (page cache counted as available). */
  available: number;
  buffers: number;
  cached: number;
  swapTotal: number;
  swapFree: number;
}

/** `getState()` and the `application_state` event. */
export interface ApiApplicationState {
  pid: number;
  version: string;
  status: string;
  updated: string;
  started: string;
  memory: ApiMemoryUsage;
  port: number;
  systemMemory: ApiSystemMemory;
  loadAvg: number[];
  osUptime: number;
  osRelease: string;
  runtime: string;
  type: string;
  processes: ApiProcessInformation[];
}

/** One line of `getLogs()` and of the `log` event. */
export interface ApiLogItem {
  severity: string;
  category: string;
  text: string;
  processId: string;
  timeStamp: number;
}

export interface ApiTelemetryData {
  sender?: string;
  memory: ApiMemoryUsage;
  sent: string;
  cwd: string;
}

/** `sendIpc()` and the `ipc` event. */
export interface ApiIpcData {
  sender?: string;
  target: string;
  event: string;
  eventData: unknown;
}
