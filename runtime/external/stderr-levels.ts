/**
 * What an external plugin's stderr lines mean. A line may start with a level prefix:
 *
 * - Stash's control characters: "\x01" + one of t d i w e p + "\x02", then the text
 *   (`p` is progress: a number from 0 to 1);
 * - a word: `TRACE`, `DEBUG`, `INFO`, `WARN`/`WARNING`, `ERROR`/`FATAL`/`CRITICAL`,
 *   or `PROGRESS` followed by a number, then ":" or a space (any case, also in [brackets]).
 *
 * A line without a prefix gets the entry's `errLog` level (default error).
 */
import type { LogSeverity } from '../../sdk/types.js';

export type StderrLine =
  | { kind: 'log'; severity: LogSeverity; message: string }
  | { kind: 'progress'; value: number; message?: string };

const STASH_LEVELS: Record<string, LogSeverity | 'progress'> = { t: 'debug', d: 'debug', i: 'info', w: 'warn', e: 'error', p: 'progress' };

const WORD_LEVELS: Record<string, LogSeverity | 'progress'> = {
  trace: 'debug', debug: 'debug', info: 'info', warn: 'warn', warning: 'warn',
  error: 'error', fatal: 'error', critical: 'error', progress: 'progress',
};

const WORD_PREFIX = /^\s*\[?(trace|debug|info|warn|warning|error|fatal|critical|progress)\]?(?::\s*|\s+|$)/i;

function progress(text: string): StderrLine | undefined {
  const match = /^\s*([0-9]*\.?[0-9]+)(%?)\s*(.*)$/.exec(text);
  if (!match) return undefined;
  let value = Number(match[1]);
  if (match[2] === '%') value /= 100;
  if (!(value >= 0 && value <= 1)) return undefined;
  const message = match[3]!.trim();
  return message ? { kind: 'progress', value, message } : { kind: 'progress', value };
}

export function parseStderrLine(line: string, unprefixed: LogSeverity): StderrLine {
  if (line.charCodeAt(0) === 1 && line.charCodeAt(2) === 2) {
    const level = STASH_LEVELS[line[1]!.toLowerCase()];
    const text = line.slice(3);
    if (level === 'progress') return progress(text) ?? { kind: 'log', severity: 'warn', message: `unreadable progress: ${text}` };
    if (level) return { kind: 'log', severity: level, message: text };
  }
  const match = WORD_PREFIX.exec(line);
  if (match) {
    const level = WORD_LEVELS[match[1]!.toLowerCase()]!;
    const text = line.slice(match[0].length);
    if (level !== 'progress') return { kind: 'log', severity: level, message: text };
    const parsed = progress(text);
    if (parsed) return parsed;
  }
  return { kind: 'log', severity: unprefixed, message: line };
}
