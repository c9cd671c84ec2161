/** An external plugin's stderr, line by line, each with its level or as progress (stderr-levels.ts). */
import type { Readable } from 'node:stream';
import type { LogSeverity } from '../../sdk/types.js';
import { readLines } from './line-reader.js';
import { parseStderrLine, type StderrLine } from './stderr-levels.js';

export const MAX_STDERR_LINE = 8_192;

export function pipeStderr(stream: Readable, unprefixed: LogSeverity, onLine: (line: StderrLine) => void): void {
  readLines(stream, MAX_STDERR_LINE, (line, truncated) => {
    const parsed = parseStderrLine(line, unprefixed);
    if (truncated && parsed.kind === 'log') parsed.message += '… (line cut)';
    onLine(parsed);
  });
}
