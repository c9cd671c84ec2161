/**
 * A plugin's view of its own permissions, like `Deno.permissions`:
 *
 *   import { permissions } from 'paddock-runtime/sdk';
 *   const { state } = await permissions.query({ name: 'read', path: '/etc/hosts' });   // 'granted' | 'denied'
 *   permissions.querySync({ name: 'net', host: 'api.example.com:443' });
 *   permissions.granted();   // { read: [...], write: [...], …, codeDir, dataDir }
 *
 * Answers come from the same checks the gates make; nothing is asked of the host.
 * There is no `request()`: permissions are granted by the operator in the config.
 */
import { paddockError } from './errors.js';
import { getWorkerLink } from './internal/worker-link.js';
import { PERMISSION_NAMES, type PermissionDescriptor, type PermissionName } from './kernel/permissions/table.js';

// Both derive from the permission kinds (sdk/kernel/permissions/): one name per kind,
// and Deno's descriptor shape, one resource field per kind.
export type { PermissionDescriptor, PermissionName } from './kernel/permissions/table.js';

export interface PermissionStatus {
  readonly state: 'granted' | 'denied';
  /** The permission is granted for some resources but not all (asked without a resource). */
  readonly partial: boolean;
}

/** One permission as granted: everything (`true`) or a list (empty: nothing). */
export type GrantedPermission = true | readonly string[];

export type GrantedPermissions = { readonly [K in PermissionName]: GrantedPermission } & {
  /** Always readable: the plugin's code folder. */
  readonly codeDir: string;
  /** Always readable and writable: the plugin's private data folder. */
  readonly dataDir: string;
};

/** What the worker's sandbox answers (set by the bootstrap on the worker link). */
export interface PermissionOracle {
  readonly grant: { readonly [K in PermissionName]: GrantedPermission };
  readonly codeDir: string;
  readonly dataDir: string;
  query(descriptor: PermissionDescriptor): 'granted' | 'denied';
}

const NAMES: readonly string[] = PERMISSION_NAMES;

function oracle(what: string): PermissionOracle {
  const link = getWorkerLink(what);
  if (!link.permissions) throw paddockError('PADDOCK_ERR_NOT_IN_WORKER', { what });
  return link.permissions;
}

function querySync(descriptor: PermissionDescriptor): PermissionStatus {
  if (typeof descriptor !== 'object' || descriptor === null || !NAMES.includes(descriptor.name)) {
    throw new TypeError(`permissions.query expects { name } with name one of ${NAMES.join(', ')}`);
  }
  const permissions = oracle('permissions.query()');
  const state = permissions.query(descriptor);
  const grant = permissions.grant[descriptor.name];
  const asked = Object.keys(descriptor).some((key) => key !== 'name' && (descriptor as Record<string, unknown>)[key] !== undefined);
  const partial = !asked && grant !== true && grant.length > 0;
  return Object.freeze({ state, partial });
}

export const permissions = Object.freeze({
  /** The state of a permission, for one resource or (without one) as a whole. */
  query(descriptor: PermissionDescriptor): Promise<PermissionStatus> {
    try {
      return Promise.resolve(querySync(descriptor));
    } catch (error) {
      return Promise.reject(error);
    }
  },
  querySync,
  /** Everything this plugin was granted, with its code and data folders. */
  granted(): GrantedPermissions {
    const { grant, codeDir, dataDir } = oracle('permissions.granted()');
    return Object.freeze({ ...grant, codeDir, dataDir });
  },
});
