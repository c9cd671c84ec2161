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
import { PERMISSION_NAMES } from './kernel/permissions/table.js';
import type { GrantedPermissions, PermissionDescriptor, PermissionOracle, PermissionStatus } from './permission-types.js';

export type { GrantedPermission, GrantedPermissions, PermissionDescriptor, PermissionName, PermissionOracle, PermissionStatus } from './permission-types.js';

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
