/**
 * The permission kinds, in Deno's order, and everything derived from them: the names,
 * the empty and full grants, the grant and query-descriptor types. Adding a kind is
 * adding its module here (and its entry schema in runtime/permissions/entries.ts).
 */
import { env } from './env.js';
import { ffi } from './ffi.js';
import { importKind } from './import.js';
import type { Grant, PermissionKind } from './kind.js';
import { net } from './net.js';
import { read } from './read.js';
import { run } from './run.js';
import { sys } from './sys.js';
import { write } from './write.js';

export const PERMISSION_KINDS = [read, write, net, env, run, ffi, sys, importKind] as const;

type Kinds = (typeof PERMISSION_KINDS)[number];
export type PermissionName = Kinds['name'];

export const PERMISSION_NAMES = Object.freeze(PERMISSION_KINDS.map((kind) => kind.name)) as readonly PermissionName[];

/** The kind named `name`. */
export function permissionKind<N extends PermissionName>(name: N): Extract<Kinds, { name: N }> {
  for (const kind of PERMISSION_KINDS) if (kind.name === name) return kind as Extract<Kinds, { name: N }>;
  throw new TypeError(`unknown permission ${JSON.stringify(name)}`);
}

/** Effective permissions, one Grant per kind. */
export type PermissionGrant = { readonly [K in PermissionName]: Grant };

function grantOf(value: Grant): PermissionGrant {
  const out = {} as Record<PermissionName, Grant>;
  for (const name of PERMISSION_NAMES) out[name] = value === true ? true : [];
  return Object.freeze(out);
}

export const NO_PERMISSIONS: PermissionGrant = grantOf([]);
export const ALL_PERMISSIONS: PermissionGrant = grantOf(true);

/** Deno's query descriptor: `{ name, [its resource field]?: … }`; paths may be URLs. */
export type PermissionDescriptor = {
  [K in Kinds as K['name']]: { name: K['name'] } & { [F in K['resource']]?: F extends 'path' ? string | URL : string };
}[PermissionName];

/** Is `value` a grant of every kind (true or a list of strings)? */
export function isPermissionGrant(value: unknown): value is PermissionGrant {
  if (typeof value !== 'object' || value === null) return false;
  const record = value as Record<string, unknown>;
  for (let i = 0; i < PERMISSION_NAMES.length; i++) {
    const grant = record[PERMISSION_NAMES[i]!];
    if (grant !== true && !(Array.isArray(grant) && grant.every((v) => typeof v === 'string'))) return false;
  }
  return true;
}

export type { Grant, PermissionKind } from './kind.js';
