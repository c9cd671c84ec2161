/**
 * The events waiting for one plugin.
 *
 *   emit ─▶ queue (host side, bounded) ─▶ in flight (≤ window, posted in batches) ─▶ worker
 *                                           ◀────────────── ack(seq) ────────────────┘
 *
 * Overflow policy (drop-oldest): when a plugin has `limit` events, or `maxBytes` bytes of
 * events, not yet acknowledged, the oldest events still waiting on the host side are
 * dropped to make room (if all of them are already in flight, the new event is dropped).
 * The bound holds whether or not a worker is attached: a plugin that is down or
 * restarting holds at most as much as a slow one. An event's size is measured once, when
 * it is published (runtime/limits/measure.ts), and carried with it. The plugin learns
 * the count with its next batch (`plugin:dropped` on its client); the host through
 * `onDropped`.
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
  /** The size of each event of `e`, in order. */
  z: number[];
  bytes: number;
}

/** Queue layout: [name, data, bytes, name, data, bytes, …]. */
const STRIDE = 3;

/** Which bound a drop hit: the event count (eventQueueLimit) or the bytes (caps.maxQueuedEventBytes). */
export type DropReason = 'count' | 'bytes';

export interface OutboxHooks {
  /** Some events were dropped for overflow (coalesced per flush). */
  onDropped(count: number, total: number, reason: DropReason): void;
  /** An event could not be copied to the worker and was discarded. */
  onUncloneable(event: string, error: unknown): void;
  /** The outbox has work to flush (acks freed the window). */
  onReady(outbox: Outbox): void;
}

export class Outbox {
  readonly pluginId: string;
  readonly subscriptions = new Set<string>();
  readonly #limit: number;
  readonly #maxBytes: number;
  readonly #window: number;
  readonly #hooks: OutboxHooks;
  /** [name, data, bytes, …] from #head on. */
  #queue: unknown[] = [];
  #head = 0;
  #queuedBytes = 0;
  readonly #inflight: InFlight[] = [];
  #inflightEvents = 0;
  #inflightBytes = 0;
  #dropReason: DropReason = 'count';
  #seq = 0;
  #port: EventChannel | undefined;
  #droppedForPlugin = 0;
  #droppedForHost = 0;
  #droppedTotal = 0;
  #accepted = 0;
  #settled = 0;
  #waiters: Array<{ target: number; resolve: () => void }> = [];
  readonly #onAck = (seq: unknown) => this.#ack(seq);

  constructor(pluginId: string, limit: number, hooks: OutboxHooks, maxBytes = Infinity) {
    this.pluginId = pluginId;
    this.#limit = Math.max(1, limit);
    this.#maxBytes = maxBytes;
    this.#window = Math.min(this.#limit, WINDOW_MAX_EVENTS);
    this.#hooks = hooks;
  }

  get queued(): number {
    return (this.#queue.length - this.#head) / STRIDE;
  }

  /** Bytes of the events queued or in flight (as measured when they were published). */
  get queuedBytes(): number {
    return this.#queuedBytes + this.#inflightBytes;
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

  /** Queue an event; `bytes` is its size, measured once when it was published. */
  push(event: string, data: unknown, bytes = 0): void {
    if (this.queued + this.#inflightEvents >= this.#limit) {
      this.#drop('count');
      if (this.queued === 0) return;
      this.#dropOldest();
    }
    while (this.#queuedBytes + this.#inflightBytes + bytes > this.#maxBytes) {
      if (this.queued === 0) {
        // Everything held is in flight: the new event is the one that does not fit.
        this.#drop('bytes');
        this.#compact();
        return;
      }
      this.#drop('bytes');
      this.#dropOldest();
    }
    this.#compact();
    this.#queue.push(event, data, bytes);
    this.#queuedBytes += bytes;
    this.#accepted++;
  }

  #drop(reason: DropReason): void {
    this.#droppedForPlugin++;
    this.#droppedForHost++;
    this.#droppedTotal++;
    this.#dropReason = reason;
  }

  #dropOldest(): void {
    const bytes = this.#queue[this.#head + 2] as number;
    // Let go of the payload at once: the dropped part of the array is only sliced off later.
    this.#queue[this.#head + 1] = undefined;
    this.#queuedBytes -= bytes;
    this.#head += STRIDE;
    this.#settle(1);
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
    for (const batch of this.#inflight) {
      for (let i = 0; i < batch.z.length; i++) back.push(batch.e[i * 2], batch.e[i * 2 + 1], batch.z[i]);
    }
    this.#queue = back.concat(this.#queue.slice(this.#head));
    this.#head = 0;
    this.#queuedBytes += this.#inflightBytes;
    this.#inflight.length = 0;
    this.#inflightEvents = 0;
    this.#inflightBytes = 0;
  }

  /** Keep only events the plugin still subscribes to (after a restart). */
  retainSubscribed(): void {
    const kept: unknown[] = [];
    let removed = 0;
    let bytes = 0;
    for (let i = this.#head; i < this.#queue.length; i += STRIDE) {
      if (this.subscriptions.has(this.#queue[i] as string)) {
        kept.push(this.#queue[i], this.#queue[i + 1], this.#queue[i + 2]);
        bytes += this.#queue[i + 2] as number;
      } else {
        removed++;
      }
    }
    this.#queue = kept;
    this.#head = 0;
    this.#queuedBytes = bytes;
    this.#settle(removed);
  }

  flush(): void {
    if (this.#droppedForHost > 0) {
      const count = this.#droppedForHost;
      this.#droppedForHost = 0;
      this.#hooks.onDropped(count, this.#droppedTotal, this.#dropReason);
    }
    const port = this.#port;
    if (!port) return;
    while (this.queued > 0 && this.#inflightEvents < this.#window) {
      const take = Math.min(this.queued, BATCH_MAX_EVENTS, this.#window - this.#inflightEvents);
      const events: unknown[] = [];
      const sizes: number[] = [];
      const end = this.#head + take * STRIDE;
      for (let i = this.#head; i < end; i += STRIDE) {
        events.push(this.#queue[i], this.#queue[i + 1]);
        sizes.push(this.#queue[i + 2] as number);
      }
      this.#head = end;
      this.#post(port, events, sizes);
    }
    this.#compact();
  }

  /** Slice off the consumed front once it is most of the array, whether or not a worker is attached. */
  #compact(): void {
    if (this.#head === this.#queue.length) {
      if (this.#head > 0) {
        this.#queue = [];
        this.#head = 0;
      }
    } else if (this.#head > 4096 && this.#head * 2 > this.#queue.length) {
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
    this.#queuedBytes = 0;
    this.subscriptions.clear();
    for (const waiter of this.#waiters) waiter.resolve();
    this.#waiters = [];
  }

  #post(port: EventChannel, events: unknown[], sizes: number[]): void {
    let bytes = 0;
    for (const size of sizes) bytes += size;
    this.#queuedBytes -= bytes;
    const batch: EventBatch = { s: ++this.#seq, e: events, d: this.#droppedForPlugin };
    try {
      port.postMessage(batch);
    } catch {
      // One payload in the batch cannot be cloned: keep the others, report that one.
      const good: unknown[] = [];
      const goodSizes: number[] = [];
      bytes = 0;
      for (let i = 0; i < events.length; i += 2) {
        try {
          structuredClone(events[i + 1]);
          good.push(events[i], events[i + 1]);
          goodSizes.push(sizes[i / 2]!);
          bytes += sizes[i / 2]!;
        } catch (error) {
          this.#hooks.onUncloneable(events[i] as string, error);
          this.#settle(1);
        }
      }
      batch.e = good;
      sizes = goodSizes;
      if (good.length === 0 && batch.d === 0) return;
      port.postMessage(batch);
    }
    this.#droppedForPlugin = 0;
    this.#inflight.push({ s: batch.s, e: batch.e, z: sizes, bytes });
    this.#inflightEvents += batch.e.length / 2;
    this.#inflightBytes += bytes;
  }

  #ack(seq: unknown): void {
    const first = this.#inflight[0];
    // Acks come in order; anything else is a confused or hostile worker and is ignored.
    if (!first || seq !== first.s) return;
    this.#inflight.shift();
    const count = first.e.length / 2;
    this.#inflightEvents -= count;
    this.#inflightBytes -= first.bytes;
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
