/**
 * The types of a plugin's view of its permissions (sdk/permissions.ts), in a module of their
 * own so the worker link can name the oracle without importing the permissions API.
 */
// Both derive from the permission kinds (sdk/kernel/permissions/): one name per kind,
// and Deno's descriptor shape, one resource field per kind.
import type { PermissionDescriptor, PermissionName } from './kernel/permissions/table.js';

export type { PermissionDescriptor, PermissionName };

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
