/**
 * Lines from a child's stdout or stderr, with a bound on their length: a process that
 * writes without newlines cannot make the host buffer without limit. An overlong
 * line is cut: `onLine` gets its first `maxLength` characters with `truncated` set,
 * and the rest of it is skipped.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

export function readLines(
  stream: Readable,
  maxLength: number,
  onLine: (line: string, truncated: boolean) => void,
  onEnd?: () => void,
): void {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let skipping = false;
  const take = (text: string) => {
    let start = 0;
    let newline = text.indexOf('\n', start);
    while (newline >= 0) {
      const piece = text.slice(start, newline);
      if (skipping) skipping = false;
      else emit(buffer + piece);
      buffer = '';
      start = newline + 1;
      newline = text.indexOf('\n', start);
    }
    if (skipping) return;
    buffer += text.slice(start);
    if (buffer.length > maxLength) {
      onLine(buffer.slice(0, maxLength), true);
      buffer = '';
      skipping = true;
    }
  };
  const emit = (line: string) => {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean.length > maxLength) onLine(clean.slice(0, maxLength), true);
    else onLine(clean, false);
  };
  stream.on('data', (chunk: Buffer) => take(decoder.write(chunk)));
  stream.on('end', () => {
    take(decoder.end());
    if (buffer && !skipping) emit(buffer);
    buffer = '';
    onEnd?.();
  });
}
