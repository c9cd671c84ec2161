/**
 * A counting semaphore on plugin starts (option maxConcurrentStarts). Loading 100
 * plugins at once spawned 100 threads whose boots and imports all landed on the host
 * loop together (2.3 s of lag at worst); with a few at a time the loop stays responsive
 * and the total time is about the same on a machine with few cores.
 */
export class StartSlots {
  readonly #max: number;
  #used = 0;
  readonly #waiting: Array<() => void> = [];

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /** Resolves with a release function once a slot is free; call it exactly once. */
  acquire(): Promise<() => void> {
    if (this.#used < this.#max) {
      this.#used++;
      return Promise.resolve(this.#releaser());
    }
    return new Promise((resolve) => this.#waiting.push(() => resolve(this.#releaser())));
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.#waiting.shift();
      if (next) next();
      else this.#used--;
    };
  }
}
