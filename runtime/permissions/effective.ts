/**
 * What a plugin actually gets: its entry's permissions intersected with the host's
 * ceiling (`maxPermissions`), normalized (absolute real paths, lower-case hosts), and
 * what was cut away, for the log. Nothing is granted that either side does not grant.
 */
import { ALL_PERMISSIONS, permissionKind, PERMISSION_NAMES, type Grant, type PermissionGrant, type PermissionName } from '../../sdk/kernel/permissions/table.js';
import type { Permissions } from './schema.js';

export { ALL_PERMISSIONS };

function normalizeEntry(name: PermissionName, entry: string, baseDir: string): string {
  return permissionKind(name).normalise(entry, baseDir);
}

/** Entry or ceiling permissions in normalized form (false / missing → nothing). */
export function normalizePermissions(permissions: Permissions | undefined, baseDir: string): PermissionGrant {
  const out = {} as Record<PermissionName, Grant>;
  for (const name of PERMISSION_NAMES) {
    const value = permissions?.[name];
    if (value === true) out[name] = true;
    else if (!value) out[name] = [];
    else out[name] = [...new Set(value.map((entry) => normalizeEntry(name, entry, baseDir)))];
  }
  return Object.freeze(out);
}

/** Does `inner` ask for nothing more than `outer` allows? */
export function covers(name: PermissionName, inner: string, outer: string): boolean {
  return permissionKind(name).covers(inner, outer);
}

function intersectOne(name: PermissionName, a: Grant, b: Grant): Grant {
  if (a === true) return b;
  if (b === true) return a;
  const out: string[] = [];
  const add = (entry: string) => {
    if (!out.some((kept) => covers(name, entry, kept))) out.push(entry);
  };
  for (const entry of a) if (b.some((limit) => covers(name, entry, limit))) add(entry);
  for (const entry of b) if (a.some((asked) => covers(name, entry, asked))) add(entry);
  return out.filter((entry) => !out.some((other) => other !== entry && covers(name, entry, other)));
}

export function intersectPermissions(a: PermissionGrant, b: PermissionGrant): PermissionGrant {
  const out = {} as Record<PermissionName, Grant>;
  for (const name of PERMISSION_NAMES) out[name] = intersectOne(name, a[name], b[name]);
  return Object.freeze(out);
}

export interface EffectivePermissions {
  granted: PermissionGrant;
  /** One line per permission the ceiling cut down, e.g. `read "/etc" (the host allows at most …)`. */
  narrowed: string[];
}

const describe = (grant: Grant) => (grant === true ? 'everything' : grant.length ? grant.map((g) => JSON.stringify(g)).join(', ') : 'nothing');

export function effectivePermissions(requested: PermissionGrant, ceiling: PermissionGrant): EffectivePermissions {
  const granted = intersectPermissions(requested, ceiling);
  const narrowed: string[] = [];
  for (const name of PERMISSION_NAMES) {
    const asked = requested[name];
    const got = granted[name];
    if (asked === true ? got !== true : asked.some((entry) => got === true || !got.includes(entry))) {
      narrowed.push(`${name}: asked for ${describe(asked)}, gets ${describe(got)} (the host allows at most ${describe(ceiling[name])})`);
    }
  }
  return { granted, narrowed };
}
