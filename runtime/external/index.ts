/** External executable plugins, as the runtime uses them: how an `exec` entry resolves and what runs it. */
import type { ResolvedPlugin } from '../resolve/resolve-url.js';
import type { PluginEntryResolved } from '../supervisor/plugin-controller.js';
import type { TransportFactory } from '../transport/types.js';
import { externalEntry, resolveExternal } from './external-entry.js';
import { RawTransport } from './raw-transport.js';
import { RpcTransport } from './rpc-transport.js';

export { defaultExternalId, externalUrl } from './external-entry.js';

/** For an `exec` entry: find its command (its "module"); undefined for a module plugin. */
export function resolveIfExternal(entry: PluginEntryResolved): Promise<ResolvedPlugin> | undefined {
  const external = externalEntry(entry);
  return external ? resolveExternal(entry.id, external) : undefined;
}

/** For an `exec` entry: a process speaking JSON-RPC (rpc) or nothing long-lived (raw); undefined for a module plugin. */
export function externalTransport(entry: PluginEntryResolved): TransportFactory | undefined {
  const external = externalEntry(entry);
  if (!external) return undefined;
  return (options) => (external.interface === 'rpc' ? new RpcTransport(options, external) : new RawTransport(options, external));
}
