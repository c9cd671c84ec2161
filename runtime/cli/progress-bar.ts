/**
 * A progress bar for package installs on stderr: packages in the cache out of the
 * packages of every tree being installed, and bytes downloaded.
 *
 *   fetch [=============>       ] 7/10 packages  1.4 MB  @acme/greeter@1.2.0
 *
 * On a terminal it redraws one line (at most every 80 ms); anywhere else (a log, a
 * pipe, CI) it prints a line each time a package is done or the phase changes.
 */
import type { InstallProgress } from '../packages/progress.js';

const WIDTH = 24;
const REDRAW_MS = 80;

export function formatBytes(bytes: number): string {
  if (bytes < 1000) return `${bytes} B`;
  if (bytes < 1_000_000) return `${(bytes / 1000).toFixed(1)} kB`;
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
}

interface Tree {
  phase: InstallProgress['phase'];
  done: number;
  total: number;
  bytes: number;
}

export class ProgressBar {
  readonly #stream: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  readonly #trees = new Map<string, Tree>();
  #lastDraw = 0;
  #lastLine = '';
  #drawn = false;

  constructor(stream: NodeJS.WritableStream) {
    this.#stream = stream;
  }

  get #tty(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Totals over every specifier seen so far. */
  totals(): { done: number; total: number; bytes: number } {
    let done = 0;
    let total = 0;
    let bytes = 0;
    for (const tree of this.#trees.values()) {
      done += tree.done;
      total += tree.total;
      bytes += tree.bytes;
    }
    return { done, total, bytes };
  }

  readonly update = (progress: InstallProgress): void => {
    const tree = this.#trees.get(progress.specifier) ?? { phase: progress.phase, done: 0, total: 0, bytes: 0 };
    const phaseChanged = tree.phase !== progress.phase;
    const before = tree.done;
    tree.phase = progress.phase;
    if (progress.done !== undefined) tree.done = progress.done;
    if (progress.total !== undefined) tree.total = progress.total;
    if (progress.bytes !== undefined) tree.bytes = progress.bytes;
    this.#trees.set(progress.specifier, tree);
    const line = this.#line(progress);
    if (this.#tty) {
      const now = Date.now();
      if (!phaseChanged && now - this.#lastDraw < REDRAW_MS) return;
      this.#lastDraw = now;
      const columns = this.#stream.columns ?? 100;
      this.#stream.write(`\r\x1b[2K${line.slice(0, columns - 1)}`);
      this.#drawn = true;
    } else if ((phaseChanged || tree.done !== before || progress.phase === 'resolve') && line !== this.#lastLine) {
      this.#lastLine = line;
      this.#stream.write(`${line}\n`);
    }
  };

  #line(progress: InstallProgress): string {
    const { done, total, bytes } = this.totals();
    const message = progress.message ? `  ${progress.message}` : '';
    if (progress.phase !== 'fetch') return `${progress.phase} ${progress.specifier}${message}`;
    const filled = total ? Math.round((done / total) * WIDTH) : 0;
    const bar = `${'='.repeat(Math.max(0, filled - 1))}${filled ? (filled === WIDTH ? '=' : '>') : ''}${' '.repeat(WIDTH - filled)}`;
    return `fetch [${bar}] ${done}/${total} packages  ${formatBytes(bytes)}${message}`;
  }

  /** Clear the redrawn line (terminal) and print a summary. */
  finish(summary: string): void {
    if (this.#tty && this.#drawn) this.#stream.write('\r\x1b[2K');
    this.#stream.write(`${summary}\n`);
  }
}
