/** Percentiles and small helpers over samples. */

export interface Summary {
  n: number;
  median: number;
  p99: number;
  mean: number;
  min: number;
  max: number;
}

/** Nearest-rank percentile of an ascending array. */
export function percentile(sorted: ArrayLike<number>, p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

export function summarise(samples: ArrayLike<number>): Summary {
  const sorted = Float64Array.from(samples).sort();
  let sum = 0;
  for (const v of sorted) sum += v;
  return {
    n: sorted.length,
    median: percentile(sorted, 50),
    p99: percentile(sorted, 99),
    mean: sorted.length ? sum / sorted.length : Number.NaN,
    min: sorted.length ? sorted[0]! : Number.NaN,
    max: sorted.length ? sorted[sorted.length - 1]! : Number.NaN,
  };
}

export function median(values: readonly number[]): number {
  return summarise(values).median;
}

/** High-resolution wall clock in ms since the epoch, comparable across threads of one process. */
export function wallClockMs(): number {
  return performance.timeOrigin + performance.now();
}

/**
 * Run each variant once per round, in turn, for `rounds` rounds, and collect what each
 * returned. Interleaving spreads the machine's noise (other processes on a shared
 * machine) over every variant instead of letting it hit whichever ran last.
 */
export async function interleave<T>(rounds: number, variants: Record<string, () => Promise<T>>): Promise<Record<string, T[]>> {
  const out: Record<string, T[]> = {};
  for (const name of Object.keys(variants)) out[name] = [];
  for (let round = 0; round < rounds; round++) {
    for (const [name, run] of Object.entries(variants)) out[name]!.push(await run());
  }
  return out;
}

/** Resolve on the next turn of the event loop (lets I/O and acks through between bursts). */
export function nextTurn(): Promise<void> {
  return new Promise((resolve) => setImmediate(resolve));
}
