/**
 * Detects a blocked plugin event loop. `counter[0]` counts the turns of the plugin's
 * loop that the host observed (sdk/kernel/worker-liveness.ts for a worker, the answered
 * nonce pings for a process); a timer here checks that it moves. The counter is host
 * memory: nothing in the plugin's thread or process can write it.
 * Watching starts with the first turn: booting a thread (or a process) on a busy
 * machine is not a blocked loop, and one that never boots is caught by startTimeoutMs.
 */
export class HeartbeatMonitor {
  readonly #timer: NodeJS.Timeout;
  #last: number;
  #lastChange = Date.now();

  constructor(counter: Int32Array, intervalMs: number, blockTimeoutMs: number, onBlocked: (blockedMs: number) => void) {
    this.#last = Atomics.load(counter, 0);
    let lastTick = Date.now();
    this.#timer = setInterval(() => {
      const now = Date.now();
      // A late tick means the host's own loop was held up: the plugin had no chance to
      // be seen turning meanwhile, so that time does not count against it.
      const late = now - lastTick - intervalMs;
      lastTick = now;
      if (late > intervalMs) this.#lastChange += late;
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
 * Watches the external memory (MB) last reported for the plugin (`values[slot]`, host
 * memory the transport fills) and calls `onExceeded` once it passes `limit`.
 * ArrayBuffers live outside the V8 heap, so `maxOldGenerationSizeMb` does not bound
 * them; this does, within one interval of a report.
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
