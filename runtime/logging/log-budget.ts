/**
 * A budget of log lines and bytes per plugin per second (caps.logLinesPerSecond,
 * caps.logBytesPerSecond). A flood of log calls or output lines once exhausted the
 * host's heap inside pino's buffers; past the budget, lines are dropped and counted,
 * and the count is reported once a second, under the plugin's name.
 */
export interface DroppedLogs {
  lines: number;
  bytes: number;
}

interface Window {
  start: number;
  lines: number;
  bytes: number;
  dropped: DroppedLogs;
}

export class LogBudget {
  readonly #lines: number;
  readonly #bytes: number;
  readonly #report: (id: string, dropped: DroppedLogs) => void;
  readonly #windows = new Map<string, Window>();
  #timer: NodeJS.Timeout | undefined;

  constructor(linesPerSecond: number, bytesPerSecond: number, report: (id: string, dropped: DroppedLogs) => void) {
    this.#lines = linesPerSecond;
    this.#bytes = bytesPerSecond;
    this.#report = report;
  }

  /** True if the line may be logged; false when it is over the plugin's budget (it is counted). */
  admit(id: string, bytes: number): boolean {
    const now = Date.now();
    let window = this.#windows.get(id);
    if (!window || now - window.start >= 1000) {
      if (window && window.dropped.lines > 0) this.#report(id, window.dropped);
      window = { start: now, lines: 0, bytes: 0, dropped: { lines: 0, bytes: 0 } };
      this.#windows.set(id, window);
    }
    if (window.lines + 1 > this.#lines || window.bytes + bytes > this.#bytes) {
      window.dropped.lines++;
      window.dropped.bytes += bytes;
      this.#scheduleReport();
      return false;
    }
    window.lines++;
    window.bytes += bytes;
    return true;
  }

  /** The plugin is gone: report what it dropped last, and forget it. */
  forget(id: string): void {
    const window = this.#windows.get(id);
    if (window && window.dropped.lines > 0) this.#report(id, window.dropped);
    this.#windows.delete(id);
  }

  close(): void {
    clearTimeout(this.#timer);
    for (const id of [...this.#windows.keys()]) this.forget(id);
  }

  /** Drops are reported when their window ends, even if the plugin logs nothing more. */
  #scheduleReport(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = Date.now();
      for (const [id, window] of this.#windows) {
        if (now - window.start < 1000) {
          if (window.dropped.lines > 0) this.#scheduleReport();
          continue;
        }
        if (window.dropped.lines > 0) this.#report(id, window.dropped);
        this.#windows.delete(id);
      }
    }, 1000);
    this.#timer.unref();
  }
}
