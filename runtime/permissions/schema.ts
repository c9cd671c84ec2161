/**
 * The `permissions` of a plugin entry (and the host's `maxPermissions` ceiling), with
 * Deno's names and forms: each of read, write, net, env, run, ffi, sys, import is
 * `false` (the default), `true` (everything) or a list of resources:
 *
 * - read, write, ffi, import: paths (relative ones from the config file's folder);
 *   a folder covers everything inside it
 * - net: "host" (any port) or "host:port"; IPv6 as "[::1]:8080"
 * - env: variable names; "AWS_*" covers every name starting with AWS_
 * - run: command names (looked up on the host's PATH) or absolute paths
 * - sys: kinds of system information (hostname, osRelease, …, threads)
 */
import { z } from 'zod';
import { permissionKind, PERMISSION_NAMES, type PermissionName } from '../../sdk/kernel/permissions/table.js';
import { ENTRY_SCHEMAS } from './entries.js';

export { netEntryProblem } from './entries.js';

const MAX_ENTRIES = 1_000;

function permission<K extends PermissionName>(name: K) {
  const entry: (typeof ENTRY_SCHEMAS)[K] = ENTRY_SCHEMAS[name];
  return z.union([z.boolean(), z.array(entry).max(MAX_ENTRIES)]).optional().describe(permissionKind(name).describe);
}

/** `{ read: …, write: …, … }`, one member per kind, in the kinds' order. */
const members = Object.fromEntries(PERMISSION_NAMES.map((name) => [name, permission(name)])) as {
  [K in PermissionName]: ReturnType<typeof permission<K>>;
};

export const permissionsSchema = z.object(members).strict()
  .describe('Deno-style permissions: everything is denied unless granted here (see the README)');

export type Permissions = z.infer<typeof permissionsSchema>;
export type PermissionsInput = z.input<typeof permissionsSchema>;

export const isolationSchema = z.enum(['worker', 'process'])
  .describe('What runs the plugin: a worker thread (default) or a child process under Node\'s permission model');
export type Isolation = z.infer<typeof isolationSchema>;
