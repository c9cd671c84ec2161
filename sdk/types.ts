/** Types shared by plugins and hosts. Plain data only: everything here crosses threads. */

/** Pup's plugin metadata; all four fields are required and verified by the runtime. */
export interface PluginMeta {
  name: string;
  version: string;
  /** A semver range of the host API versions this plugin works with, e.g. "^1.0.0". */
  api: string;
  repository: string;
}

/** What the plugin's constructor receives first (Pup's `PluginConfiguration`, extended). */
export interface PluginConfiguration<Options = Record<string, unknown>> {
  url: string;
  options: Options;
  /** The plugin's id in the host. */
  id: string;
  /** The plugin's private scratch directory (created for it, readable and writable). */
  dataDir: string;
}

export const LOG_SEVERITIES = ['debug', 'info', 'log', 'warn', 'error'] as const;
export type LogSeverity = (typeof LOG_SEVERITIES)[number];

/** Pup's `ApiLogItem`. */
export interface LogItem {
  timeStamp: number;
  processId: string;
  category: string;
  severity: LogSeverity;
  text: string;
}

/** Filters of the log query, like Pup's `/logs`. `nRows` is capped at 100. */
export interface LogQuery {
  processId?: string;
  startTimeStamp?: number;
  endTimeStamp?: number;
  severity?: LogSeverity;
  nRows?: number;
}

/** The methods every host offers, whatever else it defines. */
export interface BuiltinApi {
  /** Write a line into the host's log, under the plugin's name. */
  log(severity: LogSeverity, message: string): Promise<void>;
  /** Query the host's log store (newest `nRows` entries, at most 100). */
  logs(query?: LogQuery): Promise<LogItem[]>;
  /** Emit an event to the host and to the other plugins subscribed to it. */
  publish(event: string, data?: unknown): Promise<void>;
  /** Ask the host to stop this plugin cleanly (cleanup() runs). */
  leave(reason?: string): Promise<void>;
}

/** Names starting with this prefix are the runtime's own events. */
export const RESERVED_EVENT_PREFIX = 'plugin:';

/** Client-local event telling a plugin how many events were dropped for it. */
export const DROPPED_EVENT = 'plugin:dropped';

export interface DroppedNotice {
  /** Events dropped since the previous notice. */
  count: number;
  /** Events dropped since the plugin started. */
  total: number;
}

/** Turn a host API shape into the client-side shape (every method async). */
export type RemoteApi<Api> = {
  [K in keyof Api]: Api[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
