/**
 * Routes host and plugin events to the outboxes of subscribed plugins. The lookup is
 * one Map get per event: an event nobody subscribed to costs that and nothing more,
 * and never crosses a thread. Flushing is coalesced per microtask, so a burst of
 * emits in one tick goes out as one batch per plugin; `emit` never waits for a plugin.
 */
import { Outbox, type OutboxHooks } from './outbox.js';

export class EventBus {
  readonly #subscribers = new Map<string, Set<Outbox>>();
  readonly #outboxes = new Map<string, Outbox>();
  readonly #dirty = new Set<Outbox>();
  #scheduled = false;
  readonly #flushAll = () => {
    this.#scheduled = false;
    const dirty = [...this.#dirty];
    this.#dirty.clear();
    for (const outbox of dirty) outbox.flush();
  };

  /** The outbox of a plugin, created on first use. */
  outbox(pluginId: string, limit: number, hooks: Omit<OutboxHooks, 'onReady'>, maxBytes?: number): Outbox {
    let outbox = this.#outboxes.get(pluginId);
    if (!outbox) {
      outbox = new Outbox(pluginId, limit, { ...hooks, onReady: (o) => this.#markDirty(o) }, maxBytes);
      this.#outboxes.set(pluginId, outbox);
    }
    return outbox;
  }

  get(pluginId: string): Outbox | undefined {
    return this.#outboxes.get(pluginId);
  }

  subscribe(outbox: Outbox, events: Iterable<string>): void {
    for (const event of events) {
      if (outbox.subscriptions.has(event)) continue;
      outbox.subscriptions.add(event);
      let set = this.#subscribers.get(event);
      if (!set) this.#subscribers.set(event, (set = new Set()));
      set.add(outbox);
    }
  }

  unsubscribe(outbox: Outbox, events: Iterable<string>): void {
    for (const event of events) {
      if (!outbox.subscriptions.delete(event)) continue;
      const set = this.#subscribers.get(event);
      if (!set) continue;
      set.delete(outbox);
      if (set.size === 0) this.#subscribers.delete(event);
    }
  }

  /** Replace the plugin's subscriptions with exactly `events`. */
  setSubscriptions(outbox: Outbox, events: Iterable<string>): void {
    const wanted = new Set(events);
    this.unsubscribe(outbox, [...outbox.subscriptions].filter((e) => !wanted.has(e)));
    this.subscribe(outbox, wanted);
    outbox.retainSubscribed();
  }

  /** Drop the plugin's outbox and subscriptions (it is unloaded). */
  remove(pluginId: string): void {
    const outbox = this.#outboxes.get(pluginId);
    if (!outbox) return;
    this.unsubscribe(outbox, [...outbox.subscriptions]);
    outbox.clear();
    this.#dirty.delete(outbox);
    this.#outboxes.delete(pluginId);
  }

  hasSubscribers(event: string): boolean {
    return this.#subscribers.has(event);
  }

  /**
   * Queue `event` for every subscribed plugin but `except`. `bytes` is its size, measured
   * once by the publisher (the same measure as caps.maxEventBytes) and counted against
   * each subscriber's byte bound. Returns how many got it.
   */
  publish(event: string, data: unknown, bytes: number, except?: Outbox): number {
    const set = this.#subscribers.get(event);
    if (!set) return 0;
    let count = 0;
    for (const outbox of set) {
      if (outbox === except) continue;
      outbox.push(event, data, bytes);
      this.#markDirty(outbox);
      count++;
    }
    return count;
  }

  /** Ask for a flush of this outbox (e.g. its worker just came up). */
  kick(outbox: Outbox): void {
    this.#markDirty(outbox);
  }

  /** Resolves when every event queued so far (to one plugin or all) is delivered or dropped. */
  async drain(pluginId?: string): Promise<void> {
    const targets = pluginId === undefined ? [...this.#outboxes.values()] : [this.#outboxes.get(pluginId)].filter((o) => o !== undefined);
    await Promise.all(targets.map((o) => o.drained()));
  }

  /** Events queued or in flight (for one plugin or all): what a drain still waits for. */
  pending(pluginId?: string): number {
    const targets = pluginId === undefined ? [...this.#outboxes.values()] : [this.#outboxes.get(pluginId)].filter((o) => o !== undefined);
    return targets.reduce((sum, o) => sum + o.queued + o.inFlight, 0);
  }

  #markDirty(outbox: Outbox): void {
    this.#dirty.add(outbox);
    if (this.#scheduled) return;
    this.#scheduled = true;
    queueMicrotask(this.#flushAll);
  }
}
