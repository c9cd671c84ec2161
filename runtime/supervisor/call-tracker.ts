/**
 * Host → plugin calls in flight. Each gets a named deadline; when the worker dies or
 * is stopped, every pending call is rejected at once with the reason (Comlink alone
 * would leave them pending forever).
 */
import { paddockError, PaddockError } from '../../sdk/errors.js';
import { deserializeError } from '../../sdk/kernel/serialize-error.js';
import { pluginThrew } from '../../sdk/kernel/results.js';
import type { Result } from '../../sdk/kernel/protocol.js';

interface Pending {
  call: string;
  reject: (error: Error) => void;
}

export class CallTracker {
  readonly #plugin: string;
  readonly #pending = new Set<Pending>();
  readonly #maxConcurrent: number;
  /** Set once the worker is gone: later calls fail at once instead of waiting for a deadline. */
  #closedReason: string | undefined;
  /** Calls counted against the limit (the host's own invoke/reconfigure, not lifecycle calls). */
  #limited = 0;

  constructor(plugin: string, maxConcurrent = Infinity) {
    this.#plugin = plugin;
    this.#maxConcurrent = maxConcurrent;
  }

  get size(): number {
    return this.#pending.size;
  }

  /**
   * Run `send` with a deadline and unwrap its Result (throwing the error it carries).
   * Lifecycle calls (start, cleanup, token renewal …) are never refused for being one
   * too many: a flood of actions must not keep a plugin from stopping or renewing.
   */
  run<T>(call: string, timeoutMs: number, send: () => Promise<Result<T>>, { lifecycle = false } = {}): Promise<T> {
    if (this.#closedReason !== undefined) {
      return Promise.reject(paddockError('PADDOCK_ERR_WORKER_EXITED', { plugin: this.#plugin, call, reason: this.#closedReason }));
    }
    if (!lifecycle && this.#limited >= this.#maxConcurrent) {
      return Promise.reject(paddockError('PADDOCK_ERR_TOO_MANY_CALLS', { plugin: this.#plugin, limit: this.#maxConcurrent }));
    }
    if (!lifecycle) this.#limited++;
    const release = () => {
      if (!lifecycle) this.#limited--;
    };
    return new Promise<T>((resolve, reject) => {
      const pending: Pending = { call, reject };
      const timer = setTimeout(() => {
        if (this.#pending.delete(pending)) release();
        reject(paddockError('PADDOCK_ERR_CALL_TIMEOUT', { plugin: this.#plugin, call, ms: timeoutMs }));
      }, timeoutMs);
      const settle = () => {
        clearTimeout(timer);
        const settled = this.#pending.delete(pending);
        if (settled) release();
        return settled;
      };
      pending.reject = (error) => {
        if (settle()) reject(error);
      };
      this.#pending.add(pending);
      send().then(
        (result) => {
          if (!settle()) return;
          if (result && typeof result === 'object' && result.ok === true) resolve(result.value);
          else if (result && typeof result === 'object' && result.ok === false) reject(deserializeError(result.error));
          else reject(paddockError('PADDOCK_ERR_PROTOCOL', { plugin: this.#plugin, problem: `${call} answered with something that is not a result` }));
        },
        (error: unknown) => {
          if (!settle()) return;
          // Comlink's own rejections (the worker threw outside a Result) count as plugin failures.
          reject(error instanceof PaddockError ? error : pluginThrew(this.#plugin, call, error, error instanceof Error ? error.message : String(error)));
        },
      );
    });
  }

  /** Reject every pending call, and every later one: the worker `reason` (e.g. "exited with code 1"). */
  rejectAll(reason: string): void {
    this.#closedReason ??= reason;
    for (const p of [...this.#pending]) {
      p.reject(paddockError('PADDOCK_ERR_WORKER_EXITED', { plugin: this.#plugin, call: p.call, reason }));
    }
  }
}
