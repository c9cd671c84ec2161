/**
 * Liveness of a plugin's worker thread, judged by the thread that created it (the host,
 * or the plugin-host process) from facts the plugin cannot write:
 *
 *  - the worker's event-loop idle time, read by Node from the worker's libuv loop
 *    (`worker.performance.eventLoopUtilization()`). It grows only while the loop waits
 *    for I/O, so a loop blocked in JavaScript or in a system call never moves it;
 *  - an answer to a ping posted on a channel created here. The runtime's code in the
 *    worker answers it from its event loop; the channel's port is never handed to
 *    plugin code, and the prototypes Node looks up while delivering a message to it
 *    are locked before plugin code runs (workers/lock-ports.ts), so no hook sees it.
 *
 * Either one counts as a turn of the loop. The answer covers a loop that is busy but
 * turning without ever waiting (a chain of `setImmediate`, a steady event stream),
 * which the idle time alone would call blocked. Nothing lives in memory the worker can
 * write: the counter and the external-memory figure the monitors read are the host's.
 *
 * The answer carries the worker's own count of its external memory. On Node lines
 * without `worker.getHeapStatistics()` (before 22.16) that count is the one the
 * memory limit sees, and it comes from the plugin's thread: there, a plugin that
 * reaches the runtime's memory reading could under-report (docs say so).
 */
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';

/** Slots of the host-owned array the monitors read: a count of observed turns, and external MB. */
export const LIVENESS_SLOTS = { turns: 0, externalMb: 1 } as const;

export class WorkerLivenessProbe {
  /** Host memory only: [turns observed, external MB last reported]. */
  readonly readings = new Int32Array(2);
  /** The end the worker answers on; goes to the worker in its InitMessage. */
  readonly workerPort: MessagePort;
  readonly #port: MessagePort;
  readonly #timer: NodeJS.Timeout;
  #idle: number;
  #seq = 0;
  #answered = false;

  constructor(worker: Worker, intervalMs: number) {
    const channel = new MessageChannel();
    this.#port = channel.port1;
    this.workerPort = channel.port2;
    this.#idle = worker.performance.eventLoopUtilization().idle;
    this.#port.on('message', (externalMb: unknown) => {
      this.#answered = true;
      this.#turned();
      if (typeof externalMb === 'number' && Number.isFinite(externalMb)) {
        Atomics.store(this.readings, LIVENESS_SLOTS.externalMb, Math.min(Math.max(Math.round(externalMb), 0), 2 ** 31 - 1));
      }
    });
    // The probe must not keep the host alive; the worker's own handle decides that.
    this.#port.unref();
    this.#timer = setInterval(() => {
      let idle: number;
      try {
        idle = worker.performance.eventLoopUtilization().idle;
      } catch {
        return; // the worker is gone; its exit is reported on its own
      }
      // Idle time counts from the first answer on: before it, the thread is still being
      // handed its plugin (a spare's idle loop says nothing about the plugin's start).
      if (idle > this.#idle) {
        this.#idle = idle;
        if (this.#answered) this.#turned();
      }
      this.#seq = (this.#seq + 1) | 0;
      this.#port.postMessage(this.#seq);
    }, intervalMs);
    this.#timer.unref();
  }

  #turned(): void {
    Atomics.add(this.readings, LIVENESS_SLOTS.turns, 1);
  }

  stop(): void {
    clearInterval(this.#timer);
    this.#port.removeAllListeners();
    this.#port.close();
  }
}
