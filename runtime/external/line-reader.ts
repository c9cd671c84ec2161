/**
 * Lines from a child's stdout or stderr, with a bound on their length: a process that
 * writes without newlines cannot make the host buffer without limit. An overlong
 * line is cut: `onLine` gets its first `maxLength` characters with `truncated` set,
 * and the rest of it is skipped.
 *
 * Lines are handed on in slices of at most SLICE_LINES, with a macrotask between
 * slices and the stream paused meanwhile: a flood of short lines (a plugin printing
 * in a loop) once kept the host loop busy for seconds and starved the plugin's own
 * answers. The pipe's back-pressure then slows the writer instead.
 */
import type { Readable } from 'node:stream';
import { StringDecoder } from 'node:string_decoder';

const SLICE_LINES = 256;

export function readLines(
  stream: Readable,
  maxLength: number,
  onLine: (line: string, truncated: boolean) => void,
  onEnd?: () => void,
): void {
  const decoder = new StringDecoder('utf8');
  let buffer = '';
  let skipping = false;
  const ready: Array<[string, boolean]> = [];
  let head = 0;
  let draining = false;
  let ended = false;
  const deliver = (line: string, truncated: boolean) => {
    ready.push([line, truncated]);
  };
  const drain = () => {
    const stop = Math.min(ready.length, head + SLICE_LINES);
    while (head < stop) {
      const [line, truncated] = ready[head]!;
      ready[head++] = undefined as never;
      onLine(line, truncated);
    }
    if (head < ready.length) {
      setImmediate(drain);
      return;
    }
    ready.length = 0;
    head = 0;
    draining = false;
    if (ended) onEnd?.();
    else stream.resume();
  };
  const flush = () => {
    if (draining || head >= ready.length) {
      if (!draining && ended) onEnd?.();
      return;
    }
    draining = true;
    if (ready.length - head <= SLICE_LINES) {
      drain();
      return;
    }
    stream.pause();
    drain();
  };
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
      deliver(buffer.slice(0, maxLength), true);
      buffer = '';
      skipping = true;
    }
  };
  const emit = (line: string) => {
    const clean = line.endsWith('\r') ? line.slice(0, -1) : line;
    if (clean.length > maxLength) deliver(clean.slice(0, maxLength), true);
    else deliver(clean, false);
  };
  stream.on('data', (chunk: Buffer) => {
    take(decoder.write(chunk));
    flush();
  });
  stream.on('end', () => {
    take(decoder.end());
    if (buffer && !skipping) emit(buffer);
    buffer = '';
    ended = true;
    flush();
  });
}
