/** Whether a scenario produced numbers: what the runner's exit code and CI rely on. */
import type { Row, ScenarioStatus } from './types.js';

function allNumbersFinite(row: Row): boolean {
  return Number.isFinite(row.paddock) && (row.baseline === undefined || Number.isFinite(row.baseline.value));
}

/** ok: every row has finite numbers. failed: no rows, or a value that is not a finite number. */
export function statusOf(rows: readonly Row[]): { status: ScenarioStatus; reason?: string } {
  if (rows.length === 0) return { status: 'failed', reason: 'the scenario produced no numbers' };
  const bad = rows.find((row) => !allNumbersFinite(row));
  if (bad) return { status: 'failed', reason: `"${bad.measure}" is not a finite number` };
  return { status: 'ok' };
}
