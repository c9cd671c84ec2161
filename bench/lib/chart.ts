/**
 * A small SVG bar chart of the results: one panel per measure, Paddock's bar first and
 * each baseline's below it, scaled within the panel. Hand-written SVG, no browser needed.
 */
import { formatValue } from './format.js';
import type { ScenarioResult, Unit } from './types.js';

interface Bar {
  label: string;
  value: number;
  paddock: boolean;
}

interface Panel {
  title: string;
  unit: Unit;
  bars: Bar[];
}

const WIDTH = 980;
const LABEL_WIDTH = 250;
const BAR_AREA = 520;
const BAR_HEIGHT = 16;
const BAR_GAP = 5;
const PANEL_GAP = 18;
const TITLE_HEIGHT = 20;

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function panels(results: readonly ScenarioResult[]): Panel[] {
  const out: Panel[] = [];
  for (const result of results) {
    let current: Panel | undefined;
    let key: string | undefined;
    for (const row of result.rows) {
      const rowKey = `${row.measure}|${JSON.stringify(row.paddock)}`;
      if (rowKey !== key) {
        key = rowKey;
        const better = row.better === 'lower' ? 'lower is better' : 'higher is better';
        current = {
          title: `${result.number} · ${result.title}: ${row.measure} (${row.unit}, ${better})`,
          unit: row.unit,
          bars: [{ label: 'Paddock', value: row.paddock, paddock: true }],
        };
        out.push(current);
      }
      if (row.baseline) current!.bars.push({ label: row.baseline.label, value: row.baseline.value, paddock: false });
    }
  }
  return out;
}

export function svgChart(results: readonly ScenarioResult[], subtitle: string): string {
  const list = panels(results);
  const parts: string[] = [];
  let y = 50;
  for (const panel of list) {
    parts.push(`<text x="10" y="${y + 14}" class="title">${escapeXml(panel.title)}</text>`);
    y += TITLE_HEIGHT + 4;
    const max = Math.max(...panel.bars.map((b) => b.value), Number.MIN_VALUE);
    for (const bar of panel.bars) {
      parts.push(`<text x="${LABEL_WIDTH - 8}" y="${y + 12}" class="label" text-anchor="end">${escapeXml(bar.label)}</text>`);
      const width = Math.max(1, Math.round((bar.value / max) * BAR_AREA));
      parts.push(`<rect x="${LABEL_WIDTH}" y="${y}" width="${width}" height="${BAR_HEIGHT}" class="${bar.paddock ? 'paddock' : 'baseline'}"/>`);
      parts.push(`<text x="${LABEL_WIDTH + width + 6}" y="${y + 12}" class="value">${escapeXml(formatValue(bar.value, panel.unit))}</text>`);
      y += BAR_HEIGHT + BAR_GAP;
    }
    y += PANEL_GAP;
  }
  const height = y + 10;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${height}" viewBox="0 0 ${WIDTH} ${height}" font-family="Helvetica, Arial, sans-serif">`,
    '<style>.title{font-size:13px;font-weight:bold;fill:#222}.label{font-size:12px;fill:#333}.value{font-size:11px;fill:#333}.paddock{fill:#1b7f79}.baseline{fill:#a7a9ac}</style>',
    `<rect width="${WIDTH}" height="${height}" fill="#fff"/>`,
    '<text x="10" y="22" font-size="16" font-weight="bold" fill="#111">Paddock benchmarks (npm run bench)</text>',
    `<text x="10" y="40" font-size="11" fill="#555">${escapeXml(subtitle)}</text>`,
    ...parts,
    '</svg>',
    '',
  ].join('\n');
}
