/**
 * OpenTelemetry metrics for hosts that already run an OTel SDK: observable instruments
 * that read `runtime.metrics()` at each collection (the same source as Prometheus).
 * Histograms cannot be observed in OTel, so latencies are exported as observable
 * counters of their sum and count (average = sum / count).
 */
import type { Attributes, Meter, ObservableResult } from '@opentelemetry/api';
import type { PluginRuntime } from '../plugin-runtime.js';
import { METRIC_HELP, metricValues } from './prometheus.js';

export interface OpenTelemetryOptions {
  /** Distinct plugin attribute values at most; the others are folded into "other" (default 50). */
  maxPlugins?: number;
  /** Instrument name prefix (default "paddock."). */
  prefix?: string;
}

/** Register the instruments on `meter`; returns a function that removes them. */
export function registerOpenTelemetry(runtime: Pick<PluginRuntime, 'metrics'>, meter: Meter, options: OpenTelemetryOptions = {}): () => void {
  const prefix = options.prefix ?? 'paddock.';
  const maxPlugins = options.maxPlugins ?? 50;
  const instruments = new Map<string, ReturnType<Meter['createObservableGauge']>>();
  for (const [key, [type, help]] of Object.entries(METRIC_HELP)) {
    const name = `${prefix}${key.replace(/_total$/, '').replace(/_/g, '.')}`;
    if (type === 'histogram') {
      const base = name.replace(/\.duration\.seconds$/, '.duration');
      instruments.set(`${key}:sum`, meter.createObservableCounter(`${base}.sum`, { description: `${help} (sum)`, unit: 's' }));
      instruments.set(`${key}:count`, meter.createObservableCounter(`${base}.count`, { description: `${help} (count)` }));
    } else if (type === 'counter') {
      instruments.set(key, meter.createObservableCounter(name, { description: help }));
    } else {
      instruments.set(key, meter.createObservableGauge(name, { description: help }));
    }
  }
  const callback = (result: { observe(instrument: unknown, value: number, attributes?: Attributes): void }): void => {
    const values = metricValues(runtime.metrics(), maxPlugins);
    for (const [key, list] of values) {
      for (const v of list) {
        const attributes = Object.fromEntries(Object.entries(v.labels).map(([k, x]) => [k, String(x)]));
        if (!v.metricName) {
          result.observe(instruments.get(key), v.value, attributes);
        } else if (v.metricName.endsWith('_sum')) {
          result.observe(instruments.get(`${key}:sum`), v.value, attributes);
        } else if (v.metricName.endsWith('_count')) {
          result.observe(instruments.get(`${key}:count`), v.value, attributes);
        }
      }
    }
  };
  const observables = [...instruments.values()];
  meter.addBatchObservableCallback(callback as Parameters<Meter['addBatchObservableCallback']>[0], observables);
  return () => meter.removeBatchObservableCallback(callback as Parameters<Meter['addBatchObservableCallback']>[0], observables);
}

export type { ObservableResult };
