/**
 * A counting semaphore on plugin starts (option maxConcurrentStarts). Loading 100
 * plugins at once spawned 100 threads whose boots and imports all landed on the host
 * loop together (2.3 s of lag at worst); with a few at a time the loop stays responsive
 * and the total time is about the same on a machine with few cores.
 *
 * Slots are also handed out one per event-loop turn: what a start does synchronously on
 * the host once it holds a slot (the Worker constructor alone takes 10 to 20 ms on a busy
 * machine) then never piles up with another start's in one turn, so timers and I/O run
 * between any two starts.
 */
export class StartSlots {
  readonly #max: number;
  #used = 0;
  readonly #waiting: Array<(release: () => void) => void> = [];
  #scheduled = false;

  constructor(max: number) {
    this.#max = Math.max(1, max);
  }

  /** Resolves with a release function once a slot is free (in a turn of its own); call it exactly once. */
  acquire(): Promise<() => void> {
    return new Promise((resolve) => {
      this.#waiting.push(resolve);
      this.#pump();
    });
  }

  #pump(): void {
    if (this.#scheduled || this.#used >= this.#max || this.#waiting.length === 0) return;
    this.#scheduled = true;
    // setImmediate queued from a check-phase callback runs in the next turn: one grant per turn.
    setImmediate(() => {
      this.#scheduled = false;
      if (this.#used >= this.#max) return;
      const next = this.#waiting.shift();
      if (!next) return;
      this.#used++;
      next(this.#releaser());
      this.#pump();
    });
  }

  #releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      this.#used--;
      this.#pump();
    };
  }
}
