/**
 * `jsr:@pup/plugin` inside a Paddock worker: the base class and types a Pup plugin
 * extends. Deliberately as small as Pup's own: a Pup plugin builds its own
 * `PupRestClient`, so this class must not define a `client`, `config` or any other
 * member a plugin may declare as a field of its own.
 *
 * The runtime drives it like any Paddock plugin: construct with (config, apiUrl,
 * apiToken), verify `meta`, `refreshApiToken(token)` before each token expires,
 * `cleanup()` on stop. A plugin extending this class is held to Pup's meta rule (no
 * field still "unset"), not Paddock's semver rule: the worker reports that it is one.
 */

import { serveOwnOrigin } from './own-origin.js';

/** What the plugin's constructor receives first. Paddock adds `id` and `dataDir`. */
export interface PluginConfiguration {
  url: string;
  options?: unknown;
  /** The plugin's id in the host (Paddock). */
  id?: string;
  /** The plugin's private scratch folder (Paddock). */
  dataDir?: string;
}

export interface PluginMetadata {
  name: string;
  version: string;
  api: string;
  repository: string;
}

export class PluginImplementation {
  /** "unset" as in Pup, so a plugin that does not set all four fields is refused by name. */
  meta: PluginMetadata = { name: 'unset', version: 'unset', api: 'unset', repository: 'unset' };

  constructor(_config: PluginConfiguration, _apiUrl: string, _apiToken: string) {
    // Pup's base class keeps nothing either: plugins store what they need themselves.
    // Requests the plugin builds itself to http://${apiUrl} are answered over its channel.
    serveOwnOrigin();
  }

  /** A new token for the plugin's API client; plugins override it and may call super. */
  async refreshApiToken(_apiToken: string): Promise<void> {
    // Nothing to update here: the token lives in the plugin's own PupRestClient.
  }

  /** Called on shutdown; resolve true when there was something to clean. */
  async cleanup(): Promise<unknown> {
    return false;
  }
}
