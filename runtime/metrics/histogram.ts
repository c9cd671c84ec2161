/** A fixed-bucket latency histogram in milliseconds (the buckets Prometheus users expect, in ms). */
import type { HistogramData } from './types.js';

export const LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([1, 2.5, 5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000, 10000]);

export function newHistogram(): HistogramData {
  return { bounds: LATENCY_BUCKETS_MS, counts: new Array<number>(LATENCY_BUCKETS_MS.length + 1).fill(0), count: 0, sumMs: 0 };
}

export function observe(histogram: HistogramData, ms: number): void {
  histogram.count++;
  histogram.sumMs += ms;
  // Cumulative, as the exposition format wants: every bucket at or above ms counts it.
  for (let i = 0; i < histogram.bounds.length; i++) if (ms <= histogram.bounds[i]!) histogram.counts[i]!++;
  histogram.counts[histogram.bounds.length]!++;
}
