/**
 * Flow control from a plugin's thread to whoever takes its messages (the host, or the
 * plugin-host process's relay): without it, a plugin that posts faster than it is read
 * fills the receiving process with its queued messages, and in the shared plugin-host
 * process the other plugins' messages wait behind them (head-of-line blocking).
 *
 * The receiver counts each message it takes off the plugin's channels in a shared
 * counter; the runtime's code in the plugin's thread keeps what it posted (count and
 * size) and posts no more while too much is untaken. What waits, waits in the plugin's
 * own heap, under its own memory limit. The relay takes no more from a plugin while
 * its bytes on the way to the host are over its window (workers/plugin-host-process.ts),
 * so a flooding plugin slows itself, never its neighbours.
 *
 * The counter is written by the receiver only; the plugin's thread reads it from code
 * plugin code cannot reach. A plugin that could forge it would only fill its own
 * receiver's queue, as it could before this existed.
 */

/** Bytes a plugin may have posted and not yet taken; one larger message may go when nothing is untaken. */
export const SEND_WINDOW_BYTES = 4 * 1024 * 1024;
/** Messages a plugin may have posted and not yet taken (bounds a flood of small ones). */
export const SEND_WINDOW_MESSAGES = 1_024;
/** How often a thread with messages waiting looks at the counter again. */
const RETRY_MS = 2;

/** The receiver's end: a counter of messages taken, shared with the plugin's thread. */
export class TakenCounter {
  readonly buffer = new SharedArrayBuffer(4);
  readonly #view = new Int32Array(this.buffer);

  took(): void {
    Atomics.add(this.#view, 0, 1);
  }
}

const SafeSetTimeout = setTimeout;
const SafeAtomicsLoad = Atomics.load;
const SafeObjectSetPrototypeOf = Object.setPrototypeOf;

/** The sender's end, in the plugin's thread: posts at once while within the window, else queues. */
export class CreditedSender {
  readonly #taken: Int32Array;
  readonly #sizes = new Float64Array(SEND_WINDOW_MESSAGES);
  #posted = 0;
  #settled = 0;
  #inFlight = 0;
  readonly #waiting: Array<[() => void, number]> = SafeObjectSetPrototypeOf([], null) as Array<[() => void, number]>;
  #head = 0;
  #timer: ReturnType<typeof setTimeout> | undefined;

  constructor(taken: SharedArrayBuffer) {
    this.#taken = new Int32Array(taken);
  }

  /**
   * Post (`post` does it) now if the window allows and nothing waits before it, else later, in
   * order; a message that waits is posted by what `hold` returns, called now (a snapshot of it).
   */
  send(post: () => void, bytes: number, hold?: () => () => void): void {
    this.#settle();
    if (this.#head === this.#waiting.length && this.#fits(bytes)) {
      this.#post(post, bytes);
      return;
    }
    this.#waiting[this.#waiting.length] = [hold ? hold() : post, bytes];
    this.#schedule();
  }

  #fits(bytes: number): boolean {
    return this.#posted - this.#settled < SEND_WINDOW_MESSAGES && (this.#inFlight === 0 || this.#inFlight + bytes <= SEND_WINDOW_BYTES);
  }

  #post(post: () => void, bytes: number): void {
    this.#sizes[this.#posted % SEND_WINDOW_MESSAGES] = bytes;
    this.#posted++;
    this.#inFlight += bytes;
    post();
  }

  #settle(): void {
    const taken = SafeAtomicsLoad(this.#taken, 0);
    while (this.#settled < taken && this.#settled < this.#posted) {
      this.#inFlight -= this.#sizes[this.#settled % SEND_WINDOW_MESSAGES]!;
      this.#settled++;
    }
  }

  #schedule(): void {
    if (this.#timer !== undefined) return;
    this.#timer = SafeSetTimeout(() => {
      this.#timer = undefined;
      this.#settle();
      while (this.#head < this.#waiting.length) {
        // Indexed, not destructured: destructuring would call an iterator plugin code can replace.
        const entry = this.#waiting[this.#head]!;
        if (!this.#fits(entry[1])) break;
        this.#waiting[this.#head++] = undefined as never;
        this.#post(entry[0], entry[1]);
      }
      if (this.#head === this.#waiting.length) {
        this.#waiting.length = 0;
        this.#head = 0;
      } else {
        this.#schedule();
      }
    }, RETRY_MS);
  }
}
