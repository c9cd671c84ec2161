/**
 * The events waiting for one plugin.
 *
 *   emit ─▶ queue (host side, bounded) ─▶ in flight (≤ window, posted in batches) ─▶ worker
 *                                           ◀────────────── ack(seq) ────────────────┘
 *
 * Overflow policy (drop-oldest): when a plugin has `limit` events not yet acknowledged,
 * the oldest event still waiting on the host side is dropped to make room (if all of
 * them are already in flight, the new event is dropped). The plugin learns the count
 * with its next batch (`plugin:dropped` on its client); the host through `onDropped`.
 *
 * When the worker dies, the batches in flight go back to the front of the queue and are
 * delivered to the restarted plugin (at-least-once across restarts).
 */
import type { EventBatch } from '../../sdk/kernel/protocol.js';
import type { EventChannel } from '../transport/types.js';

export const BATCH_MAX_EVENTS = 1024;
export const WINDOW_MAX_EVENTS = 4096;

interface InFlight {
  s: number;
  e: unknown[];
}

export interface OutboxHooks {
  /** Some events were dropped for overflow (coalesced per flush). */
  onDropped(count: number, total: number): void;
  /** An event could not be copied to the worker and was discarded. */
  onUncloneable(event: string, error: unknown): void;
  /** The outbox has work to flush (acks freed the window). */
  onReady(outbox: Outbox): void;
}

export class Outbox {
  readonly pluginId: string;
  readonly subscriptions = new Set<string>();
  readonly #limit: number;
  readonly #window: number;
  readonly #hooks: OutboxHooks;
  /** [name, data, name, data, …] from #head on. */
  #queue: unknown[] = [];
  #head = 0;
  readonly #inflight: InFlight[] = [];
  #inflightEvents = 0;
  #seq = 0;
  #port: EventChannel | undefined;
  #droppedForPlugin = 0;
  #droppedForHost = 0;
  #droppedTotal = 0;
  #accepted = 0;
  #settled = 0;
  #waiters: Array<{ target: number; resolve: () => void }> = [];
  readonly #onAck = (seq: unknown) => this.#ack(seq);

  constructor(pluginId: string, limit: number, hooks: OutboxHooks) {
    this.pluginId = pluginId;
    this.#limit = Math.max(1, limit);
    this.#window = Math.min(this.#limit, WINDOW_MAX_EVENTS);
    this.#hooks = hooks;
  }

  get queued(): number {
    return (this.#queue.length - this.#head) / 2;
  }

  get inFlight(): number {
    return this.#inflightEvents;
  }

  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  /** Events queued for the plugin so far (delivered, waiting or later dropped). */
  get accepted(): number {
    return this.#accepted;
  }

  push(event: string, data: unknown): void {
    if (this.queued + this.#inflightEvents >= this.#limit) {
      this.#droppedForPlugin++;
      this.#droppedForHost++;
      this.#droppedTotal++;
      if (this.queued === 0) return;
      this.#head += 2;
      this.#settle(1);
      // Dropping from the front while no worker is attached (the plugin is down) must
      // compact too, or the dropped half of the array grows without bound.
      this.#compact();
    }
    this.#queue.push(event, data);
    this.#accepted++;
  }

  /** Start delivering through `port` (the worker is up). */
  attach(port: EventChannel): void {
    this.detach();
    this.#port = port;
    port.on('message', this.#onAck);
  }

  /** The worker is gone: take back what was in flight, to deliver it again later. */
  detach(): void {
    if (this.#port) this.#port.off('message', this.#onAck);
    this.#port = undefined;
    if (this.#inflight.length === 0) return;
    const back: unknown[] = [];
    for (const batch of this.#inflight) back.push(...batch.e);
    this.#queue = back.concat(this.#queue.slice(this.#head));
    this.#head = 0;
    this.#inflight.length = 0;
    this.#inflightEvents = 0;
  }

  /** Keep only events the plugin still subscribes to (after a restart). */
  retainSubscribed(): void {
    const kept: unknown[] = [];
    let removed = 0;
    for (let i = this.#head; i < this.#queue.length; i += 2) {
      if (this.subscriptions.has(this.#queue[i] as string)) kept.push(this.#queue[i], this.#queue[i + 1]);
      else removed++;
    }
    this.#queue = kept;
    this.#head = 0;
    this.#settle(removed);
  }

  flush(): void {
    if (this.#droppedForHost > 0) {
      const count = this.#droppedForHost;
      this.#droppedForHost = 0;
      this.#hooks.onDropped(count, this.#droppedTotal);
    }
    const port = this.#port;
    if (!port) return;
    while (this.queued > 0 && this.#inflightEvents < this.#window) {
      const take = Math.min(this.queued, BATCH_MAX_EVENTS, this.#window - this.#inflightEvents);
      const events = this.#queue.slice(this.#head, this.#head + take * 2);
      this.#head += take * 2;
      this.#post(port, events);
    }
    this.#compact();
  }

  #compact(): void {
    if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
      this.#queue = this.#queue.slice(this.#head);
      this.#head = 0;
    }
  }

  /** Resolves once every event accepted so far is acknowledged or dropped. */
  drained(): Promise<void> {
    if (this.#settled >= this.#accepted) return Promise.resolve();
    return new Promise((resolve) => this.#waiters.push({ target: this.#accepted, resolve }));
  }

  /** Forget everything (the plugin is unloaded); pending drains resolve. */
  clear(): void {
    this.detach();
    this.#settle(this.queued);
    this.#queue = [];
    this.#head = 0;
    this.subscriptions.clear();
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters = [];
  }

  #post(port: EventChannel, events: unknown[]): void {
    const batch: EventBatch = { s: ++this.#seq, e: events, d: this.#droppedForPlugin };
    try {
      port.postMessage(batch);
    } catch {
      // One payload in the batch cannot be cloned: keep the others, report that one.
      const good: unknown[] = [];
      for (let i = 0; i < events.length; i += 2) {
        try {
          structuredClone(events[i + 1]);
          good.push(events[i], events[i + 1]);
        } catch (error) {
          this.#hooks.onUncloneable(events[i] as string, error);
          this.#settle(1);
        }
      }
      batch.e = good;
      if (good.length === 0 && batch.d === 0) return;
      port.postMessage(batch);
    }
    this.#droppedForPlugin = 0;
    this.#inflight.push(batch);
    this.#inflightEvents += batch.e.length / 2;
  }

  #ack(seq: unknown): void {
    const first = this.#inflight[0];
    // Acks come in order; anything else is a confused or hostile worker and is ignored.
    if (!first || seq !== first.s) return;
    this.#inflight.shift();
    const count = first.e.length / 2;
    this.#inflightEvents -= count;
    this.#settle(count);
    if (this.queued > 0) this.#hooks.onReady(this);
  }

  #settle(count: number): void {
    if (count <= 0) return;
    this.#settled += count;
    if (this.#waiters.length === 0) return;
    const still: Array<{ target: number; resolve: () => void }> = [];
    for (const waiter of this.#waiters) {
      if (this.#settled >= waiter.target) waiter.resolve();
      else still.push(waiter);
    }
    this.#waiters = still;
  }
}
