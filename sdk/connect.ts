import { PaddockClient } from './client.js';
import { getWorkerLink } from './internal/worker-link.js';

let shared: PaddockClient<object> | undefined;

/** The worker's SDK-managed client, for plugins that are not classes of PluginImplementation. */
export function connect<Api extends object = Record<string, never>>(): PaddockClient<Api> {
  getWorkerLink('connect()');
  if (!shared || shared.closed) shared = new PaddockClient<object>();
  return shared as PaddockClient<Api>;
}
