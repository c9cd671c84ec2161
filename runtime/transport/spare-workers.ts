/**
 * Warm spare workers: booted bootstraps (module hooks installed, SDK loaded) waiting
 * for a plugin, so a plugin with default limits starts without paying for a thread
 * start. Spares do not keep the process alive.
 */
import type { Worker } from 'node:worker_threads';
import type { Logger } from 'pino';
import { spawnPluginWorker, whenBooted, type WorkerResourceLimits } from './worker-transport.js';

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

  /** A booted spare, or undefined when none is ready. */
  take(): Worker | undefined {
    for (const spare of this.#spares) {
      if (!spare.booted) continue;
      this.#spares.delete(spare);
      spare.worker.removeAllListeners('exit');
      spare.worker.ref();
      this.#fill();
      return spare.worker;
    }
    return undefined;
  }

  /** Resolves once every spare being made has booted (for benchmarks and tests). */
  async warm(): Promise<void> {
    await Promise.all([...this.#spares].map((spare) => spare.boot));
  }

  async close(): Promise<void> {
    this.#closed = true;
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
