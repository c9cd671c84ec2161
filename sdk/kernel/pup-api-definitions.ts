/**
 * `jsr:@pup/api-definitions` inside a Paddock worker: the data shapes of Pup's plugin
 * API (Hexagon/pup-api-definitions), so a Pup plugin's handlers find the fields they
 * expect. Mostly types, erased at load; `ApiProcessState` is a real enum because Pup
 * plugins compare statuses with it at run time.
 *
 * The example process host (examples/process-host/) builds its answers and events from
 * these same declarations.
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
  started?: Date;
  exited?: Date;
  blocked?: boolean;
  restarts?: number;
  updated: Date;
  pendingRestartReason?: string;
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
  cluster?: ApiClusterConfiguration;
  pidFile?: string;
  watch?: string[];
  autostart?: boolean;
  cron?: string;
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
