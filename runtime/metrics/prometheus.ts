/**
 * Prometheus text exposition of `runtime.metrics()` through prom-client. Every metric
 * reads the same snapshot at scrape time (nothing is counted twice). Plugin ids are a
 * label; past `maxPlugins` distinct ids the rest are summed under `plugin="other"`, so a
 * host with many plugins cannot blow up its time-series count.
 */
import { Registry } from 'prom-client';
import type { PluginRuntime } from '../plugin-runtime.js';
import type { CallFigures, HistogramData, PluginMetrics, RuntimeMetrics } from './types.js';

export interface PrometheusOptions {
  /** Add the metrics to this registry (default: a new one). */
  registry?: Registry;
  /** Distinct plugin label values at most; the others are folded into "other" (default 50). */
  maxPlugins?: number;
  /** Metric name prefix (default "paddock_"). */
  prefix?: string;
}

type Labels = Record<string, string | number>;
interface Value { labels: Labels; value: number; metricName?: string }
type MetricType = 'counter' | 'gauge' | 'histogram';

const STATES = ['loading', 'starting', 'running', 'stopping', 'stopped', 'crashed', 'failed'] as const;

/** The metric names (without prefix), their type and help text: docs/reference/metrics.md lists the same. */
export const METRIC_HELP: Record<string, [MetricType, string]> = {
  plugin_state: ['gauge', 'Plugin state: 1 for the current state, 0 for the others'],
  plugin_state_seconds: ['gauge', 'Seconds the plugin has been in its current state'],
  plugin_restarts_total: ['counter', 'Restarts after crashes since the plugin was loaded'],
  plugin_crashes_total: ['counter', 'Crashes by reason'],
  plugin_host_calls_total: ['counter', 'Host-API calls the plugin made, by method'],
  plugin_host_call_errors_total: ['counter', 'Host-API calls answered with an error, by method'],
  plugin_host_call_duration_seconds: ['histogram', 'Time the host took to answer a host-API call, by method'],
  plugin_actions_total: ['counter', 'Actions invoked, by action'],
  plugin_action_errors_total: ['counter', 'Actions that failed, by action'],
  plugin_action_duration_seconds: ['histogram', 'Duration of actions, by action'],
  plugin_tasks_total: ['counter', 'Tasks run, by task'],
  plugin_task_errors_total: ['counter', 'Tasks that failed, by task'],
  plugin_task_duration_seconds: ['histogram', 'Duration of tasks, by task'],
  plugin_events_accepted_total: ['counter', 'Events queued for the plugin'],
  plugin_events_dropped_total: ['counter', 'Events dropped because the plugin\'s queue was full'],
  plugin_events_queued: ['gauge', 'Events waiting for the plugin'],
  plugin_events_in_flight: ['gauge', 'Events sent to the plugin and not yet acknowledged'],
  plugin_events_queued_bytes: ['gauge', 'Bytes of the events queued for the plugin or in flight'],
  plugin_denials_total: ['counter', 'Sandbox refusals, by permission kind'],
  plugin_heap_used_bytes: ['gauge', 'V8 heap in use by the plugin\'s worker (Node >= 22.16)'],
  plugin_heap_total_bytes: ['gauge', 'V8 heap size of the plugin\'s worker (Node >= 22.16)'],
  plugin_external_memory_bytes: ['gauge', 'Memory outside the V8 heap held by the plugin\'s worker (Node >= 22.16)'],
  plugin_resident_memory_bytes: ['gauge', 'Resident memory of a process-tier or external plugin'],
  plugin_event_loop_utilization: ['gauge', 'Share of the last sampling interval the worker\'s event loop was busy'],
};

/** Sum plugins past the cap into one "other" pseudo-plugin. */
export function foldPlugins(plugins: PluginMetrics[], maxPlugins: number): Array<{ label: string; m: PluginMetrics[] }> {
  const kept = plugins.slice(0, maxPlugins).map((m) => ({ label: m.id, m: [m] }));
  const rest = plugins.slice(maxPlugins);
  if (rest.length) kept.push({ label: 'other', m: rest });
  return kept;
}

function sum(ms: PluginMetrics[], pick: (m: PluginMetrics) => number | undefined): number | undefined {
  let total: number | undefined;
  for (const m of ms) {
    const v = pick(m);
    if (v !== undefined) total = (total ?? 0) + v;
  }
  return total;
}

function mergeTables<T>(ms: PluginMetrics[], pick: (m: PluginMetrics) => Record<string, T>): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const m of ms) for (const [k, v] of Object.entries(pick(m))) out.set(k, [...(out.get(k) ?? []), v]);
  return out;
}

function histogramValues(name: string, labels: Labels, hs: HistogramData[]): Value[] {
  const bounds = hs[0]!.bounds;
  const values: Value[] = bounds.map((b, i) => ({ metricName: `${name}_bucket`, labels: { ...labels, le: b / 1000 }, value: hs.reduce((s, h) => s + h.counts[i]!, 0) }));
  values.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: hs.reduce((s, h) => s + h.count, 0) });
  values.push({ metricName: `${name}_sum`, labels, value: hs.reduce((s, h) => s + h.sumMs, 0) / 1000 });
  values.push({ metricName: `${name}_count`, labels, value: hs.reduce((s, h) => s + h.count, 0) });
  return values;
}

/** All values of every metric from one snapshot. */
export function metricValues(snapshot: RuntimeMetrics, maxPlugins: number): Map<string, Value[]> {
  const out = new Map<string, Value[]>(Object.keys(METRIC_HELP).map((k) => [k, []]));
  const add = (name: string, labels: Labels, value: number | undefined): void => {
    if (value !== undefined) out.get(name)!.push({ labels, value });
  };
  const calls = (group: ReturnType<typeof foldPlugins>[number], pick: (m: PluginMetrics) => Record<string, CallFigures>, label: string, names: [string, string, string]): void => {
    for (const [key, fs] of mergeTables(group.m, pick)) {
      const labels = { plugin: group.label, [label]: key };
      add(names[0], labels, fs.reduce((s, f) => s + f.count, 0));
      add(names[1], labels, fs.reduce((s, f) => s + f.errors, 0));
      out.get(names[2])!.push(...histogramValues(`PREFIX${names[2]}`, labels, fs.map((f) => f.latency)));
    }
  };
  for (const group of foldPlugins(snapshot.plugins, maxPlugins)) {
    const plugin = { plugin: group.label };
    for (const state of STATES) add('plugin_state', { ...plugin, state }, group.m.filter((m) => m.state === state).length);
    add('plugin_state_seconds', plugin, sum(group.m, (m) => m.stateSeconds));
    add('plugin_restarts_total', plugin, sum(group.m, (m) => m.restarts));
    for (const [reason, ns] of mergeTables(group.m, (m) => m.crashReasons)) add('plugin_crashes_total', { ...plugin, reason }, ns.reduce((a, b) => a + b, 0));
    calls(group, (m) => m.hostCalls, 'method', ['plugin_host_calls_total', 'plugin_host_call_errors_total', 'plugin_host_call_duration_seconds']);
    calls(group, (m) => m.actions, 'action', ['plugin_actions_total', 'plugin_action_errors_total', 'plugin_action_duration_seconds']);
    calls(group, (m) => m.tasks, 'task', ['plugin_tasks_total', 'plugin_task_errors_total', 'plugin_task_duration_seconds']);
    add('plugin_events_accepted_total', plugin, sum(group.m, (m) => m.events.accepted));
    add('plugin_events_dropped_total', plugin, sum(group.m, (m) => m.events.dropped));
    add('plugin_events_queued', plugin, sum(group.m, (m) => m.events.queued));
    add('plugin_events_in_flight', plugin, sum(group.m, (m) => m.events.inFlight));
    add('plugin_events_queued_bytes', plugin, sum(group.m, (m) => m.events.queuedBytes));
    for (const [kind, ns] of mergeTables(group.m, (m) => m.denials)) add('plugin_denials_total', { ...plugin, kind }, ns.reduce((a, b) => a + b, 0));
    add('plugin_heap_used_bytes', plugin, sum(group.m, (m) => m.memory.heapUsed));
    add('plugin_heap_total_bytes', plugin, sum(group.m, (m) => m.memory.heapTotal));
    add('plugin_external_memory_bytes', plugin, sum(group.m, (m) => m.memory.external));
    add('plugin_resident_memory_bytes', plugin, sum(group.m, (m) => m.memory.rss));
    if (group.m.length === 1) add('plugin_event_loop_utilization', plugin, group.m[0]!.eventLoopUtilization);
  }
  return out;
}

/**
 * A prom-client registry with the runtime's per-plugin metrics; serve
 * `await registry.metrics()` with `registry.contentType` from the host's own server.
 */
export function prometheusRegistry(runtime: Pick<PluginRuntime, 'metrics'>, options: PrometheusOptions = {}): Registry {
  const registry = options.registry ?? new Registry();
  const prefix = options.prefix ?? 'paddock_';
  const maxPlugins = options.maxPlugins ?? 50;
  // One snapshot per scrape: every metric's get() in the same tick reads the same figures.
  let cached: { at: number; values: Map<string, Value[]> } | undefined;
  const values = (): Map<string, Value[]> => {
    const now = Date.now();
    if (!cached || now - cached.at > 250) cached = { at: now, values: metricValues(runtime.metrics(), maxPlugins) };
    return cached.values;
  };
  for (const [key, [type, help]] of Object.entries(METRIC_HELP)) {
    const name = `${prefix}${key}`;
    registry.registerMetric({
      name,
      help,
      type,
      aggregator: 'sum',
      get: async () => ({
        name, help, type, aggregator: 'sum',
        values: values().get(key)!.map((v) => (v.metricName ? { ...v, metricName: v.metricName.replace('PREFIX', prefix) } : v)),
      }),
      reset: () => {},
    } as unknown as Parameters<Registry['registerMetric']>[0]);
  }
  return registry;
}
