/**
 * Collector plugins, shaped like Heartbeat's agent plugins:
 *
 *   constructor → validate()? → configure()? → initialize()? (once, before the first
 *   collect) → collect() … → cleanup()
 *
 * - `InfoPlugin`: facts that rarely change. Collected once after the plugin starts,
 *   cached by the host, collected again when the host asks (`runtime.refreshInfo()`).
 * - `MonitorPlugin`: measurements. Collected every `interval` seconds (the entry's
 *   `collector.interval`, else the class's `interval`, else 60).
 *
 * `collect()` returns plain JSON data (objects, arrays, strings, finite numbers,
 * booleans, null), at most `collector.maxResultBytes` of it. If it throws, the host
 * records `{ error: message }` as the result; if it takes longer than
 * `collector.timeoutMs`, the collection is abandoned and reported.
 */
import { PluginImplementation } from './plugin.js';

export type CollectorKind = 'info' | 'monitor';

export abstract class InfoPlugin<Options = Record<string, unknown>, Api extends object = Record<string, never>>
  extends PluginImplementation<Options, Api> {
  readonly collector: CollectorKind = 'info';

  /** Called once, before the first collect(). */
  initialize?(): unknown;

  abstract collect(): unknown;
}

export abstract class MonitorPlugin<Options = Record<string, unknown>, Api extends object = Record<string, never>>
  extends PluginImplementation<Options, Api> {
  readonly collector: CollectorKind = 'monitor';
  /** Default period in seconds; the entry's `collector.interval` wins. */
  interval?: number;

  /** Called once, before the first collect(). */
  initialize?(): unknown;

  abstract collect(): unknown;
}
