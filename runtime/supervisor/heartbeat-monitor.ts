/**
 * Detects a blocked plugin event loop. The worker bumps a shared counter from a timer;
 * a timer here checks that it moves. Reading shared memory costs no message, and the
 * check keeps working when the host's own loop was busy (the worker kept counting).
 * Watching starts with the first beat: booting a thread (or a process) on a busy
 * machine is not a blocked loop, and one that never boots is caught by startTimeoutMs.
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
      if (value === 0) {
        this.#lastChange = now;
        return;
      }
      if (value !== this.#last) {
        this.#last = value;
        this.#lastChange = now;
        return;
      }
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

/**
 * Watches a value the plugin side publishes into shared memory (its external memory
 * in MB, refreshed with every heartbeat) and calls `onExceeded` once it passes `limit`.
 * ArrayBuffers live outside the V8 heap, so `maxOldGenerationSizeMb` does not bound
 * them; this does, within one heartbeat interval.
 */
export class MemoryMonitor {
  readonly #timer: NodeJS.Timeout;

  constructor(values: Int32Array, slot: number, intervalMs: number, limit: number, onExceeded: (value: number) => void) {
    this.#timer = setInterval(() => {
      const value = Atomics.load(values, slot);
      if (value > limit) {
        this.stop();
        onExceeded(value);
      }
    }, intervalMs);
    this.#timer.unref();
  }

  stop(): void {
    clearInterval(this.#timer);
  }
}
