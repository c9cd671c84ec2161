/**
 * Splits a plugin's output stream into lines, holding at most `maxBytes` of any line
 * (in the runtime's process, and in the plugin-host process for the threads it runs).
 * `readline` keeps a line until its newline comes: a plugin writing 600 MB without one
 * made the host build a 600 MB string (RangeError: Invalid string length). Here the
 * rest of an overlong line is counted and dropped as it arrives, and the line is
 * reported cut, with its full length.
 */
const NEWLINE = 0x0a;

export function splitLines(
  stream: NodeJS.ReadableStream | null | undefined,
  maxBytes: number,
  onLine: (line: string) => void,
): void {
  if (!stream) return;
  let parts: Buffer[] = [];
  let held = 0;
  /** Bytes of the current line, kept or not. */
  let length = 0;
  const emit = () => {
    let line = Buffer.concat(parts, held).toString('utf8');
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (length > held) line += `… (cut: the line had ${length} bytes)`;
    parts = [];
    held = 0;
    length = 0;
    onLine(line);
  };
  const keep = (chunk: Buffer) => {
    length += chunk.length;
    const room = maxBytes - held;
    if (room <= 0) return;
    const part = chunk.length <= room ? chunk : chunk.subarray(0, room);
    // A copy: a view would keep the whole chunk alive.
    parts.push(Buffer.from(part));
    held += part.length;
  };
  stream.on('data', (data: Buffer | string) => {
    const chunk = typeof data === 'string' ? Buffer.from(data) : data;
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      keep(chunk.subarray(start, nl));
      emit();
      start = nl + 1;
    }
    if (start < chunk.length) keep(chunk.subarray(start));
  });
  stream.on('end', () => {
    if (length > 0) emit();
  });
}
