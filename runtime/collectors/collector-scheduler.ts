/**
 * Heartbeat's collection schedule, on the host side, for every running collector plugin:
 *
 * - info: collected once when the plugin is running, cached; `refreshInfo()` drops
 *   every cache and collects again;
 * - monitor: collected at once, then every `interval` seconds. A tick that comes while
 *   the previous collection still runs is skipped (counted in the next result's `skipped`).
 *
 * A collection that takes longer than its `timeoutMs` is abandoned (its late answer is
 * ignored) and reported; an error, a result that is not JSON or one that is too large
 * becomes `{ error }` data. Each result reaches the host as a runtime event
 * (`plugin:info` / `plugin:monitor`) and stays as the plugin's latest result until it stops.
 */
import type { Logger } from 'pino';
import { isPaddockError, paddockError, type PaddockError } from '../../sdk/errors.js';
import type { CollectorInfo } from '../../sdk/kernel/protocol.js';
import type { CollectorConfig } from '../config/entry-models.js';
import type { ResolvedLimits } from '../options.js';
import { checkCollectorResult } from './json-result.js';

export const DEFAULT_MONITOR_INTERVAL_S = 60;

export interface CollectedResult {
  id: string;
  kind: 'info' | 'monitor';
  /** When the collection started (ms since the epoch). */
  at: number;
  durationMs: number;
  /** What collect() returned, or `{ error: message }` when it failed. */
  data: unknown;
  /** Why it failed, when it did. */
  error?: { code?: string; message: string };
  /** Monitor ticks skipped since the previous result, because a collection was still running. */
  skipped: number;
}

export interface CollectorDeps {
  /** Run the plugin's collect() with a deadline (rejects with PADDOCK_ERR_CALL_TIMEOUT when it passes). */
  collect(id: string, timeoutMs: number): Promise<unknown>;
  emit(result: CollectedResult): void;
  logger(id: string): Logger;
}

interface Tracked {
  id: string;
  kind: 'info' | 'monitor';
  intervalMs: number;
  timeoutMs: number;
  maxBytes: number;
  latest?: CollectedResult;
  inFlight?: Promise<CollectedResult | undefined>;
  timer?: NodeJS.Timeout;
  skipped: number;
}

export class CollectorScheduler {
  readonly #deps: CollectorDeps;
  readonly #tracked = new Map<string, Tracked>();

  constructor(deps: CollectorDeps) {
    this.#deps = deps;
  }

  /** The plugin is running: start collecting (unless its entry says `collector.enabled: false`). */
  start(id: string, collector: CollectorInfo, config: CollectorConfig, limits: ResolvedLimits): void {
    this.stop(id);
    if (!config.enabled) return;
    const intervalMs = Math.round((config.interval ?? collector.interval ?? DEFAULT_MONITOR_INTERVAL_S) * 1000);
    const tracked: Tracked = {
      id,
      kind: collector.kind,
      intervalMs,
      timeoutMs: config.timeoutMs ?? (collector.kind === 'monitor' ? Math.min(intervalMs, limits.callTimeoutMs) : limits.callTimeoutMs),
      maxBytes: config.maxResultBytes,
      skipped: 0,
    };
    this.#tracked.set(id, tracked);
    void this.#collect(tracked);
    if (tracked.kind === 'monitor') {
      tracked.timer = setInterval(() => this.#tick(tracked), intervalMs);
      tracked.timer.unref();
    }
  }

  /** The plugin left `running`: no more collections, and its cached result is gone. */
  stop(id: string): void {
    const tracked = this.#tracked.get(id);
    if (!tracked) return;
    clearInterval(tracked.timer);
    this.#tracked.delete(id);
  }

  /** The latest result of a collector plugin (its cached info, or its last measurement). */
  latest(id: string): CollectedResult | undefined {
    return this.#tracked.get(id)?.latest;
  }

  /** Drop every cached info result and collect each again; resolves with the new results by plugin id. */
  async refreshInfo(): Promise<Record<string, CollectedResult>> {
    const infos = [...this.#tracked.values()].filter((t) => t.kind === 'info');
    for (const tracked of infos) delete tracked.latest;
    const results = await Promise.all(infos.map(async (tracked) => {
      // A collection already under way may have started before the refresh: wait, then collect anew.
      await tracked.inFlight;
      return this.#collect(tracked);
    }));
    const out: Record<string, CollectedResult> = {};
    for (const result of results) if (result) out[result.id] = result;
    return out;
  }

  close(): void {
    for (const id of [...this.#tracked.keys()]) this.stop(id);
  }

  #tick(tracked: Tracked): void {
    if (tracked.inFlight) {
      tracked.skipped++;
      this.#deps.logger(tracked.id).debug(`collection skipped: the previous one is still running (interval ${tracked.intervalMs} ms)`);
      return;
    }
    void this.#collect(tracked);
  }

  #collect(tracked: Tracked): Promise<CollectedResult | undefined> {
    const at = Date.now();
    const skipped = tracked.skipped;
    tracked.skipped = 0;
    const run = (async (): Promise<CollectedResult | undefined> => {
      let data: unknown;
      let failure: PaddockError | Error | undefined;
      try {
        const value = await this.#deps.collect(tracked.id, tracked.timeoutMs);
        const checked = checkCollectorResult(tracked.id, value, tracked.maxBytes);
        if ('error' in checked) failure = checked.error;
        else data = value;
      } catch (error) {
        failure = isPaddockError(error, 'PADDOCK_ERR_CALL_TIMEOUT')
          ? paddockError('PADDOCK_ERR_COLLECT_TIMEOUT', { plugin: tracked.id, ms: tracked.timeoutMs }, { cause: error })
          : error as Error;
      }
      // The plugin stopped (or restarted) meanwhile: this result belongs to no one.
      if (this.#tracked.get(tracked.id) !== tracked) return undefined;
      const result: CollectedResult = { id: tracked.id, kind: tracked.kind, at, durationMs: Date.now() - at, data, skipped };
      if (failure) {
        const code = (failure as { code?: unknown }).code;
        result.error = { message: failure.message, ...(typeof code === 'string' ? { code } : {}) };
        result.data = { error: ownMessage(failure) };
        this.#deps.logger(tracked.id).warn({ code }, `collection failed: ${failure.message}`);
      }
      tracked.latest = result;
      this.#deps.emit(result);
      return result;
    })();
    tracked.inFlight = run;
    void run.finally(() => {
      if (tracked.inFlight === run) delete tracked.inFlight;
    });
    return run;
  }
}

/** The plugin's own words when its collect() threw (Heartbeat's `{ error: str(e) }`), else the runtime's. */
function ownMessage(error: Error): string {
  if (isPaddockError(error, 'PADDOCK_ERR_PLUGIN_THREW') && error.cause instanceof Error) return error.cause.message;
  return error.message;
}
