/**
 * Warm spare workers: booted bootstraps (module hooks installed, SDK loaded) waiting
 * for a plugin, so a plugin with default limits starts without paying for a thread
 * start. Spares do not keep the process alive.
 *
 * A spare taken is replaced once the plugin it went to has started (`refill()`, called
 * by the runtime when a load settles), or at the latest REFILL_AFTER_MS later (a restart
 * by the supervisor calls no refill): booting the replacement beside the plugin's own
 * start would slow that start down on a machine with few cores (measured: 44 → 18 ms
 * on Node 20, whose boot also starts a loader thread; 16 → 13 ms on Node 26).
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { spawnPluginWorker, whenBooted, type WorkerResourceLimits } from './worker-transport.js';

const REFILL_AFTER_MS = 250;

interface Spare {
  worker: Worker;
  booted: boolean;
  boot: Promise<void>;
}

export class SpareWorkers {
  readonly #target: number;
  readonly #limits: WorkerResourceLimits;
  readonly #logger: Logger;
  readonly #spares = new Set<Spare>();
  #closed = false;
  #failures = 0;
  #refillTimer: NodeJS.Timeout | undefined;

  constructor(target: number, limits: WorkerResourceLimits, logger: Logger) {
    this.#target = target;
    this.#limits = limits;
    this.#logger = logger;
    this.#fill();
  }

  /** The limits spares are made with; a plugin with other limits gets a fresh worker. */
  get limits(): WorkerResourceLimits {
    return this.#limits;
  }

  get ready(): number {
    let n = 0;
    for (const spare of this.#spares) if (spare.booted) n++;
    return n;
  }

  /** Spares still booting. */
  get booting(): number {
    return this.#spares.size - this.ready;
  }

  /** A booted spare, or undefined when none is ready. */
  take(): Worker | undefined {
    for (const spare of this.#spares) {
      if (!spare.booted) continue;
      this.#spares.delete(spare);
      spare.worker.removeAllListeners('exit');
      spare.worker.ref();
      this.#refillTimer ??= setTimeout(() => this.refill(), REFILL_AFTER_MS).unref();
      return spare.worker;
    }
    return undefined;
  }

  /** Boot the spares taken since the last refill (a plugin that took one has started). */
  refill(): void {
    clearTimeout(this.#refillTimer);
    this.#refillTimer = undefined;
    this.#fill();
  }

  /** Resolves once every spare being made has booted (for benchmarks and tests). */
  async warm(): Promise<void> {
    this.refill();
    await Promise.all([...this.#spares].map((spare) => spare.boot));
  }

  async close(): Promise<void> {
    this.#closed = true;
    clearTimeout(this.#refillTimer);
    const workers = [...this.#spares].map((s) => s.worker);
    this.#spares.clear();
    await Promise.all(workers.map((w) => w.terminate()));
  }

  #fill(): void {
    // Three boot failures in a row mean something is wrong with the install, not bad luck.
    while (!this.#closed && this.#spares.size < this.#target && this.#failures < 3) {
      const worker = spawnPluginWorker(this.#limits, 'paddock:spare');
      worker.unref();
      const spare = { worker, booted: false } as Spare;
      this.#spares.add(spare);
      worker.once('exit', () => this.#spares.delete(spare));
      spare.boot = whenBooted(worker).then(
        () => {
          spare.booted = true;
          this.#failures = 0;
        },
        (error: unknown) => {
          // close() terminates spares still booting: that is no boot failure.
          if (this.#closed) return;
          this.#failures++;
          this.#spares.delete(spare);
          this.#logger.error({ err: error }, 'a spare plugin worker failed to boot');
          this.#fill();
        },
      );
    }
  }
}
