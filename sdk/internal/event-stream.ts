/**
 * Worker side of the event channel.
 *
 *   host outbox ── EventBatch {s, e:[name,data,…], d} ──▶ EventStream ──▶ each client's listeners
 *               ◀───────────── ack s ────────────────────┘
 *
 * The host only sends events this worker subscribed to; the stream keeps a count of
 * listeners per event across all clients of the worker and tells the host when an
 * event gains its first listener or loses its last (coalesced per microtask).
 *
 * Busy is not blocked: batches are handed to listeners one per macrotask (setImmediate),
 * so a plugin kept busy by a steady stream still runs its own timers between batches,
 * the heartbeat among them. A port delivers every queued message in one go; handling
 * them there would starve the timers and get a busy plugin restarted as "blocked".
 * Unhandled batches are bounded by the host's window of unacknowledged events.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Remote } from '../kernel/remote.js';
import type { EventBatch, HostEndpoint } from '../kernel/protocol.js';
import { DROPPED_EVENT, type DroppedNotice } from '../types.js';
import { deserializeError } from '../kernel/serialize-error.js';

// Captured before plugin code runs: the delivery loop must not ask the plugin how to yield.
const yieldToLoop = setImmediate;

export interface EventSink {
  deliver(event: string, data: unknown): void;
}

export class EventStream {
  readonly #port: MessagePort;
  readonly #host: Remote<HostEndpoint>;
  readonly #token: () => string;
  readonly #report: (where: string, error: unknown) => void;
  readonly #refs = new Map<string, number>();
  readonly #sinks = new Set<EventSink>();
  #pendingAdd = new Set<string>();
  #pendingRemove = new Set<string>();
  #flushScheduled = false;
  #droppedTotal = 0;
  readonly #inbox: EventBatch[] = [];
  #inboxHead = 0;
  #delivering = false;
  readonly #deliverNext = () => {
    const batch = this.#inbox[this.#inboxHead];
    this.#inbox[this.#inboxHead++] = undefined as never;
    if (this.#inboxHead === this.#inbox.length) {
      this.#inbox.length = 0;
      this.#inboxHead = 0;
    }
    // Yield again before the next batch, whether or not this one's listeners threw.
    if (this.#inboxHead < this.#inbox.length) yieldToLoop(this.#deliverNext);
    else this.#delivering = false;
    if (batch) this.#onBatch(batch);
  };

  constructor(port: MessagePort, host: Remote<HostEndpoint>, token: () => string, report: (where: string, error: unknown) => void) {
    this.#port = port;
    this.#host = host;
    this.#token = token;
    this.#report = report;
    port.on('message', (batch: EventBatch) => {
      this.#inbox.push(batch);
      if (this.#delivering) return;
      this.#delivering = true;
      yieldToLoop(this.#deliverNext);
    });
  }

  get droppedTotal(): number {
    return this.#droppedTotal;
  }

  addSink(sink: EventSink): void {
    this.#sinks.add(sink);
  }

  removeSink(sink: EventSink): void {
    this.#sinks.delete(sink);
  }

  addInterest(event: string): void {
    const count = this.#refs.get(event) ?? 0;
    this.#refs.set(event, count + 1);
    if (count === 0) {
      if (!this.#pendingRemove.delete(event)) this.#pendingAdd.add(event);
      this.#schedule();
    }
  }

  removeInterest(event: string): void {
    const count = this.#refs.get(event) ?? 0;
    if (count <= 1) {
      this.#refs.delete(event);
      if (count === 1) {
        if (!this.#pendingAdd.delete(event)) this.#pendingRemove.add(event);
        this.#schedule();
      }
    } else {
      this.#refs.set(event, count - 1);
    }
  }

  /** Events with at least one listener in this worker. */
  subscribedEvents(): string[] {
    return [...this.#refs.keys()];
  }

  /** Forget the pending subscription messages: the start report carries the full set. */
  markReported(): void {
    this.#pendingAdd.clear();
    this.#pendingRemove.clear();
  }

  #schedule(): void {
    if (this.#flushScheduled) return;
    this.#flushScheduled = true;
    queueMicrotask(() => {
      this.#flushScheduled = false;
      const add = [...this.#pendingAdd];
      const remove = [...this.#pendingRemove];
      this.#pendingAdd.clear();
      this.#pendingRemove.clear();
      if (add.length) this.#send('subscribe', add);
      if (remove.length) this.#send('unsubscribe', remove);
    });
  }

  #send(kind: 'subscribe' | 'unsubscribe', events: string[]): void {
    this.#host[kind](this.#token(), events).then(
      (result) => {
        if (!result.ok) this.#report(`${kind} ${events.join(', ')}`, deserializeError(result.error));
      },
      (error: unknown) => this.#report(`${kind} ${events.join(', ')}`, error),
    );
  }

  #onBatch(batch: EventBatch): void {
    const events = batch.e;
    for (let i = 0; i < events.length; i += 2) {
      const name = events[i] as string;
      const data = events[i + 1];
      for (const sink of this.#sinks) sink.deliver(name, data);
    }
    if (batch.d > 0) {
      this.#droppedTotal += batch.d;
      const notice: DroppedNotice = { count: batch.d, total: this.#droppedTotal };
      for (const sink of this.#sinks) sink.deliver(DROPPED_EVENT, notice);
    }
    this.#port.postMessage(batch.s);
  }
}
