/** Whether a scenario produced numbers: what the runner's exit code and CI rely on. */
import { isNotAvailable, type Row, type ScenarioStatus } from './types.js';

function allNumbersFinite(row: Row): boolean {
  const paddockOk = isNotAvailable(row.paddock) || Number.isFinite(row.paddock);
  return paddockOk && (row.baseline === undefined || Number.isFinite(row.baseline.value));
}

/**
 * ok: every row has Paddock's number. partial / skipped: some / all Paddock values are
 * "n/a: feature not present" (not a failure). failed: no rows, or a value that is not
 * a finite number.
 */
export function statusOf(rows: readonly Row[]): { status: ScenarioStatus; reason?: string } {
  if (rows.length === 0) return { status: 'failed', reason: 'the scenario produced no numbers' };
  const bad = rows.find((row) => !allNumbersFinite(row));
  if (bad) return { status: 'failed', reason: `"${bad.measure}" is not a finite number` };
  const missing = rows.filter((row) => isNotAvailable(row.paddock));
  if (missing.length === 0) return { status: 'ok' };
  const reasons = [...new Set(missing.map((row) => (isNotAvailable(row.paddock) ? row.paddock.na : '')))].join('; ');
  return { status: missing.length === rows.length ? 'skipped' : 'partial', reason: reasons };
}
