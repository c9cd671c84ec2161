/**
 * The connection of this worker to its host, set once by workers/bootstrap.ts before
 * any plugin code runs. Kept out of the SDK's public exports.
 */
import type { Remote } from '../kernel/remote.js';
import type { HostEndpoint } from '../kernel/protocol.js';
import { paddockError } from '../errors.js';
import type { PermissionOracle } from '../permission-types.js';
import type { EventStream } from './event-stream.js';

export interface WorkerLink {
  pluginId: string;
  apiUrl: string;
  /** The newest token the host gave this plugin. */
  token: string;
  callTimeoutMs: number;
  host: Remote<HostEndpoint>;
  events: EventStream;
  /** Called with every new token, before the plugin's own refreshApiToken. */
  tokenListeners: Set<(token: string) => void>;
  /** The sandbox's answers about this plugin's permissions (for `permissions.query`). */
  permissions?: PermissionOracle;
}

let current: WorkerLink | undefined;

export function attachWorkerLink(link: WorkerLink): void {
  if (current) throw new Error('paddock: the worker link is already attached');
  current = link;
}

export function getWorkerLink(what: string): WorkerLink {
  if (!current) throw paddockError('PADDOCK_ERR_NOT_IN_WORKER', { what });
  return current;
}

export function hasWorkerLink(): boolean {
  return current !== undefined;
}
