/**
 * The base class of a plugin, shaped like Pup's `PluginImplementation`, with the
 * optional hooks of the other seed systems (Digital Rebar's Validate/Config/Action).
 *
 * Lifecycle, driven by the runtime:
 *   constructor(config, apiUrl, apiToken) → validate()? → configure(options)? → running
 *   … actions invoked, events delivered, refreshApiToken(token) before each expiry,
 *   configure(options) again whenever the host changes the options …
 *   cleanup() on stop (with a deadline)
 */
import type { ZodType } from 'zod';
import { PaddockClient } from './client.js';
import type { PluginConfiguration, PluginMeta } from './types.js';

/** An action the host can invoke; `params` (a zod schema) is checked before `run`. */
export interface ActionDefinition<P = unknown, R = unknown> {
  description?: string;
  params?: ZodType<P>;
  run(params: P): R | Promise<R>;
}

export type Action = ActionDefinition | ((params: unknown) => unknown);

/** Typed helper for an action with a zod schema. */
export function defineAction<P, R>(definition: ActionDefinition<P, R>): ActionDefinition<P, R> {
  return definition;
}

export class PluginImplementation<Options = Record<string, unknown>, Api extends object = Record<string, never>> {
  meta: PluginMeta = { name: '', version: '', api: '', repository: '' };
  /** Named actions the host may invoke (`runtime.invoke(id, name, params)`). */
  actions?: Record<string, Action>;
  readonly config: PluginConfiguration<Options>;
  readonly apiUrl: string;
  apiToken: string;
  #client: PaddockClient<Api> | undefined;

  constructor(config: PluginConfiguration<Options>, apiUrl: string, apiToken: string) {
    this.config = config;
    this.apiUrl = apiUrl;
    this.apiToken = apiToken;
  }

  /** The SDK-managed API client: connected, and kept on the newest token. */
  get client(): PaddockClient<Api> {
    // Throws PADDOCK_ERR_NOT_IN_WORKER outside a plugin worker.
    this.#client ??= new PaddockClient<Api>(this.apiUrl);
    return this.#client;
  }

  /** Called before start; throw (or return false / a message) to refuse to start. */
  validate?(): unknown;

  /** Called at start and again whenever the host changes the options. */
  configure?(options: Options): unknown;

  /**
   * Called with each new token before the old one expires. The SDK has already
   * handed the token to `this.client`; override to pass it to clients you built.
   */
  refreshApiToken(token: string): void | Promise<void> {
    this.apiToken = token;
  }

  /** Release what the plugin holds. Returns true when there was something to clean. */
  cleanup(): boolean | Promise<boolean> {
    this.#client?.close();
    return false;
  }
}
