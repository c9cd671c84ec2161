/**
 * The shapes every benchmark scenario shares: a scenario measures Paddock and its
 * baselines in the same process run and returns rows; the runner (bench/run.ts) turns
 * the rows into the table, the JSON and the chart.
 */

export type Unit = 'ns' | 'µs' | 'ms' | 'MB' | 'events/s' | 'deliveries/s' | 'tasks/s' | 'plugins';

/** Whether a smaller or a larger value is the better one (decides how a ratio reads). */
export type Better = 'lower' | 'higher';

export interface Target {
  /** The design target as the table prints it, e.g. "≤ 1.1× bare Comlink". */
  text: string;
  /** Whether the measured value meets it. */
  pass?: boolean;
}

/** One comparison: a Paddock measure against one baseline (or against a target alone). */
export interface Row {
  measure: string;
  unit: Unit;
  better: Better;
  paddock: number;
  baseline?: { label: string; value: number };
  /** paddock / baseline. */
  ratio?: number;
  target?: Target;
}

export type ScenarioStatus = 'ok' | 'failed';

export interface ScenarioResult {
  number: number;
  id: string;
  title: string;
  /** The scenario's source file, relative to the repository. */
  file: string;
  status: ScenarioStatus;
  /** Why it failed or why parts of it were not measured. */
  reason?: string;
  rows: Row[];
  /** Facts a reader needs to read the rows (counts, settings, what was verified). */
  notes: string[];
  seconds: number;
}

export interface BenchContext {
  /** --quick: fewer iterations and plugins, every scenario still produces numbers. */
  quick: boolean;
  /** A line of progress on stderr. */
  progress(message: string): void;
  /** A fresh folder for this scenario's data directories; removed afterwards. */
  tempDir: string;
}

export interface ScenarioOutput {
  rows: Row[];
  notes?: string[];
}

export interface Scenario {
  number: number;
  /** Short id for --only, e.g. "round-trip". */
  id: string;
  title: string;
  file: string;
  run(ctx: BenchContext): Promise<ScenarioOutput>;
}

/**
 * A row comparing `paddock` with `baseline`; the ratio is computed, the target
 * evaluated by `check(paddock, ratio)`.
 */
export function compare(
  measure: string,
  unit: Unit,
  better: Better,
  paddock: number,
  baseline?: { label: string; value: number },
  target?: { text: string; check: (value: number, ratio: number | undefined) => boolean },
): Row {
  const row: Row = { measure, unit, better, paddock };
  if (baseline) row.baseline = baseline;
  if (baseline && baseline.value > 0) row.ratio = paddock / baseline.value;
  if (target) {
    row.target = { text: target.text };
    row.target.pass = target.check(paddock, row.ratio);
  }
  return row;
}

/** Target helpers: the design page's wording, checked against the row. */
export const targets = {
  ratioAtMost: (max: number, text: string) => ({ text, check: (_v: number, ratio: number | undefined) => ratio !== undefined && ratio <= max }),
  ratioAtLeast: (min: number, text: string) => ({ text, check: (_v: number, ratio: number | undefined) => ratio !== undefined && ratio >= min }),
  atMost: (max: number, text: string) => ({ text, check: (value: number) => value <= max }),
  atLeast: (min: number, text: string) => ({ text, check: (value: number) => value >= min }),
  holds: (pass: boolean, text: string) => ({ text, check: () => pass }),
};
