/**
 * What `runtime.metrics()` returns: plain, cloneable data measured by the host (never
 * reported by a plugin). The Prometheus and OpenTelemetry exports read the same object.
 */
import type { PluginState } from '../supervisor/plugin-controller.js';

/** Cumulative histogram: `counts[i]` observations were <= `bounds[i]` ms; the last count is +Inf. */
export interface HistogramData {
  bounds: readonly number[];
  counts: number[];
  count: number;
  sumMs: number;
}

export interface CallFigures {
  count: number;
  errors: number;
  latency: HistogramData;
}

export interface PluginMetrics {
  id: string;
  state: PluginState;
  /** Seconds in the current state. */
  stateSeconds: number;
  isolation: 'worker' | 'process';
  restarts: number;
  /** Crashes by reason (the words of the crash, first 80 characters). */
  crashReasons: Record<string, number>;
  /** Host-API calls the plugin made, by method. */
  hostCalls: Record<string, CallFigures>;
  /** Actions the host invoked, by action name. */
  actions: Record<string, CallFigures>;
  /** Tasks the host ran, by task name. */
  tasks: Record<string, CallFigures>;
  /** Counts; `queuedBytes` is the size of the queued and in-flight events (bounded by caps.maxQueuedEventBytes). */
  events: { queued: number; inFlight: number; dropped: number; accepted: number; queuedBytes: number };
  /** Sandbox refusals by permission kind (net, read, write, run, env, sys, ffi, …). */
  denials: Record<string, number>;
  /** Bytes; undefined where the host cannot measure (a worker's heap before Node 22.16). */
  memory: { heapUsed?: number; heapTotal?: number; external?: number; rss?: number };
  /** Share of the last sampling interval the plugin's event loop was busy (0..1), worker plugins only. */
  eventLoopUtilization?: number;
  /** Process id of a process-tier or external plugin. */
  pid?: number;
}

export interface RuntimeMetrics {
  /** When this was taken (ms since epoch). */
  at: number;
  plugins: PluginMetrics[];
}
