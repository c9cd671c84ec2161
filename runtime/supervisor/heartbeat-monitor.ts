/**
 * Detects a blocked plugin event loop. The worker bumps a shared counter from a timer;
 * a timer here checks that it moves. Reading shared memory costs no message, and the
 * check keeps working when the host's own loop was busy (the worker kept counting).
 */
export class HeartbeatMonitor {
  readonly #timer: NodeJS.Timeout;
  #last: number;
  #lastChange = 0;

  constructor(counter: Int32Array, intervalMs: number, blockTimeoutMs: number, onBlocked: (blockedMs: number) => void) {
    this.#last = Atomics.load(counter, 0);
    this.#timer = setInterval(() => {
      const now = Date.now();
      const value = Atomics.load(counter, 0);
      if (value !== this.#last) {
        this.#last = value;
        this.#lastChange = now;
        return;
      }
      // Not beating yet: the worker is still booting, which startTimeoutMs bounds.
      if (this.#lastChange === 0) return;
      const blocked = now - this.#lastChange;
      if (blocked >= blockTimeoutMs) {
        this.stop();
        onBlocked(blocked);
      }
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
