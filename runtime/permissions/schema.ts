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
import { SYS_KINDS } from '../../sdk/kernel/permissions/sys.js';
import { ENTRY_SCHEMAS } from './entries.js';

export { netEntryProblem } from './entries.js';

const MAX_ENTRIES = 1_000;

/** What a list of each kind holds, for errors that show the expected form. */
const LIST_OF: Record<PermissionName, string> = {
  read: 'paths', write: 'paths', ffi: 'paths', import: 'paths',
  net: '"host" or "host:port" strings',
  env: 'variable names',
  run: 'command names or absolute paths',
  sys: `system information kinds (${SYS_KINDS.join(', ')})`,
};

/** A short JSON rendering of a bad value for an error message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

function permission<K extends PermissionName>(name: K) {
  const entry: (typeof ENTRY_SCHEMAS)[K] = ENTRY_SCHEMAS[name];
  // A union's own error is zod's bare "Invalid input": say what the forms are.
  return z.union([z.boolean(), z.array(entry).max(MAX_ENTRIES)], {
    error: (issue) => (issue.code === 'invalid_union' ? `expected true, false or a list of ${LIST_OF[name]}, got ${shown(issue.input)}` : undefined),
  }).optional().describe(permissionKind(name).describe);
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
