/** Numbers, ratios and the results table as text (stdout) and Markdown (README). */
import type { Row, ScenarioResult, Unit } from './types.js';

export function formatValue(value: number, unit: Unit): string {
  if (!Number.isFinite(value)) return String(value);
  const fixed = (digits: number) => value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
  switch (unit) {
    case 'ns':
      return `${fixed(value < 10 ? 1 : 0)} ns`;
    case 'µs':
    case 'ms':
      return `${fixed(value < 1 ? 3 : value < 10 ? 2 : value < 100 ? 1 : 0)} ${unit}`;
    case 'MB':
      return `${fixed(1)} MB`;
    case 'events/s':
    case 'deliveries/s':
    case 'tasks/s':
    case 'plugins':
      return `${fixed(0)} ${unit}`;
    default: {
      const never: never = unit;
      throw new Error(`unknown unit ${String(never)}`);
    }
  }
}

const TIME_UNITS: ReadonlySet<Unit> = new Set(['ns', 'µs', 'ms']);

/** Paddock relative to the baseline: "1.13×", "0.07× (15.3× faster)", "0.03 %". */
export function formatRatio(row: Row): string {
  const r = row.ratio;
  if (r === undefined) return '—';
  if (r < 0.01) return `${(r * 100).toFixed(2)} %`;
  const text = `${r.toFixed(r < 0.1 ? 3 : 2)}×`;
  if (row.better === 'lower' && r < 0.95) return `${text} (${(1 / r).toFixed(1)}× ${TIME_UNITS.has(row.unit) ? 'faster' : 'less'})`;
  return text;
}

export function formatResult(row: Row): string {
  if (!row.target) return '';
  if (row.target.pass === undefined) return 'n/a';
  return row.target.pass ? 'pass' : 'MISS';
}

export const COLUMNS = ['#', 'scenario', 'measure', 'Paddock', 'baseline', 'ratio', 'target', 'result'] as const;

/** The table's cells, with repeated scenario names and measures left blank for reading. */
export function tableCells(results: readonly ScenarioResult[]): string[][] {
  const out: string[][] = [];
  for (const result of results) {
    if (result.rows.length === 0) {
      out.push([String(result.number), result.title, result.status === 'failed' ? `FAILED: ${result.reason ?? 'no numbers'}` : (result.reason ?? ''), '', '', '', '', '']);
      continue;
    }
    let previous: string | undefined;
    result.rows.forEach((row, i) => {
      const key = `${row.measure}|${JSON.stringify(row.paddock)}`;
      const first = key !== previous;
      previous = key;
      const paddock = formatValue(row.paddock, row.unit);
      out.push([
        i === 0 ? String(result.number) : '',
        i === 0 ? result.title : '',
        first ? row.measure : '',
        first ? paddock : '',
        row.baseline ? `${row.baseline.label}: ${formatValue(row.baseline.value, row.unit)}` : '',
        formatRatio(row),
        row.target?.text ?? '',
        formatResult(row),
      ]);
    });
  }
  return out;
}

export function textTable(results: readonly ScenarioResult[]): string {
  const rows = [COLUMNS as readonly string[], ...tableCells(results)];
  const widths = COLUMNS.map((_, c) => Math.max(...rows.map((r) => [...r[c]!].length)));
  const line = (cells: readonly string[]) => cells.map((cell, c) => cell.padEnd(widths[c]!)).join('  ').trimEnd();
  const rule = widths.map((w) => '─'.repeat(w)).join('  ');
  return [line(rows[0]!), rule, ...rows.slice(1).map(line)].join('\n');
}

export function markdownTable(results: readonly ScenarioResult[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  const lines = [`| ${COLUMNS.join(' | ')} |`, `|${COLUMNS.map(() => '---').join('|')}|`];
  for (const cells of tableCells(results)) lines.push(`| ${cells.map(escape).join(' | ')} |`);
  return lines.join('\n');
}
