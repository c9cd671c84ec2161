/**
 * Logs a plugin's dropped events once per burst, not once per flush: a slow subscriber
 * under a steady stream overflows on every flush, and a warning each time would itself
 * flood the host's log. The first drop of a burst is logged at once; drops in the next
 * second are added up and logged as one line when that second ends (or when the plugin
 * is forgotten), always under the plugin's name and with the bound that was hit.
 */
import type { DropReason } from './outbox.js';

export interface DropLine {
  count: number;
  total: number;
  reasons: DropReason[];
}

interface Pending {
  since: number;
  count: number;
  total: number;
  reasons: Set<DropReason>;
}

const WINDOW_MS = 1000;

export class DropLog {
  readonly #write: (id: string, line: DropLine) => void;
  readonly #last = new Map<string, number>();
  readonly #pending = new Map<string, Pending>();
  #timer: NodeJS.Timeout | undefined;

  constructor(write: (id: string, line: DropLine) => void) {
    this.#write = write;
  }

  record(id: string, count: number, total: number, reason: DropReason): void {
    const now = Date.now();
    const pending = this.#pending.get(id);
    if (pending) {
      pending.count += count;
      pending.total = total;
      pending.reasons.add(reason);
      return;
    }
    const last = this.#last.get(id);
    if (last === undefined || now - last >= WINDOW_MS) {
      this.#last.set(id, now);
      this.#write(id, { count, total, reasons: [reason] });
      return;
    }
    this.#pending.set(id, { since: last, count, total, reasons: new Set([reason]) });
    this.#schedule();
  }

  /** The plugin is gone: write what it dropped since the last line, and forget it. */
  forget(id: string): void {
    this.#flush(id);
    this.#last.delete(id);
  }

  close(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
    for (const id of [...this.#pending.keys()]) this.#flush(id);
    this.#last.clear();
  }

  #flush(id: string): void {
    const pending = this.#pending.get(id);
    if (!pending) return;
    this.#pending.delete(id);
    this.#last.set(id, Date.now());
    this.#write(id, { count: pending.count, total: pending.total, reasons: [...pending.reasons] });
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const now = Date.now();
      for (const [id, pending] of [...this.#pending]) {
        if (now - pending.since >= WINDOW_MS) this.#flush(id);
      }
      if (this.#pending.size > 0) this.#schedule();
    }, WINDOW_MS);
    this.#timer.unref();
  }
}
