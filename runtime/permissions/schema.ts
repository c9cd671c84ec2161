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
import { SYS_KINDS } from '../../sdk/kernel/sandbox-data.js';

const MAX_ENTRIES = 1_000;

/** Why `entry` is not "host" / "host:port", or undefined when it is fine. */
export function netEntryProblem(entry: string): string | undefined {
  let host = entry;
  let port: string | undefined;
  if (entry.startsWith('[')) {
    const close = entry.indexOf(']');
    if (close === -1) return 'an IPv6 address in brackets needs its closing "]"';
    host = entry.slice(1, close);
    const rest = entry.slice(close + 1);
    if (rest !== '' && !rest.startsWith(':')) return `unexpected ${JSON.stringify(rest)} after the address`;
    if (rest) port = rest.slice(1);
    if (!/^[0-9a-f:.]+$/i.test(host) || !host.includes(':')) return `${JSON.stringify(host)} is not an IPv6 address`;
  } else if ((entry.match(/:/g) ?? []).length === 1) {
    [host, port] = entry.split(':') as [string, string];
  } else if (entry.includes(':')) {
    if (!/^[0-9a-f:.]+$/i.test(entry)) return `${JSON.stringify(entry)} is not an IPv6 address (write "[addr]:port" for a port)`;
    return undefined;
  }
  if (!host.startsWith('[') && !/^[a-z0-9_]([a-z0-9_.-]*[a-z0-9_])?$/i.test(host)) return `${JSON.stringify(host)} is not a host name or address`;
  if (port !== undefined && !(/^\d{1,5}$/.test(port) && Number(port) <= 65_535)) return `${JSON.stringify(port)} is not a port (0 to 65535)`;
  return undefined;
}

const pathEntry = z.string().min(1, 'expected a path').max(4_096).refine((p) => !p.includes('\0'), 'a path cannot contain a NUL character');
const netEntry = z.string().min(1).max(300).superRefine((entry, ctx) => {
  const problem = netEntryProblem(entry);
  if (problem) ctx.addIssue({ code: 'custom', message: `expected "host" or "host:port" such as "api.example.com:443" or "[::1]:8080": ${problem}` });
});
const envEntry = z.string().regex(/^([A-Za-z_][A-Za-z0-9_]*\*?|\*)$/, 'expected a variable name such as "HOME", or a prefix such as "AWS_*"');
const runEntry = z.string().min(1, 'expected a command name or an absolute path').max(4_096)
  .refine((c) => !c.includes('\0'), 'a command cannot contain a NUL character')
  .refine((c) => !c.includes('/') || c.startsWith('/'), 'expected a command name ("git") or an absolute path ("/usr/bin/git")');
const sysEntry = z.enum(SYS_KINDS);

/** A short JSON rendering of a bad value for an error message. */
function shown(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 57)}...` : text;
}

/** `listOf` names the entries (e.g. "paths"): a union's own error would be zod's bare "Invalid input". */
function permission<T extends z.ZodType>(entry: T, listOf: string, description: string) {
  return z.union([z.boolean(), z.array(entry).max(MAX_ENTRIES)], {
    error: (issue) => issue.code === 'invalid_union' ? `expected true, false or a list of ${listOf}, got ${shown(issue.input)}` : undefined,
  }).optional().describe(description);
}

export const permissionsSchema = z.object({
  read: permission(pathEntry, 'paths', 'Files and folders the plugin may read (true: all)'),
  write: permission(pathEntry, 'paths', 'Files and folders the plugin may create, change and delete (true: all)'),
  net: permission(netEntry, '"host" or "host:port" strings', 'Hosts ("host" or "host:port") the plugin may connect to, listen on or look up (true: all)'),
  env: permission(envEntry, 'variable names', 'Environment variables the plugin sees ("NAME" or "PREFIX_*"; true: all)'),
  run: permission(runEntry, 'command names or absolute paths', 'Programs the plugin may start (names on the host PATH or absolute paths; true: all)'),
  ffi: permission(pathEntry, 'paths', 'Native libraries the plugin may load (true: also Node internals, the inspector, loader hooks: full access)'),
  sys: permission(sysEntry, `system information kinds (${SYS_KINDS.join(', ')})`, 'System information the plugin may read (true: all)'),
  import: permission(pathEntry, 'paths', 'Folders, besides its own, the plugin may load modules from (true: anywhere, and any URL scheme)'),
}).strict().describe('Deno-style permissions: everything is denied unless granted here (see the README)');

export type Permissions = z.infer<typeof permissionsSchema>;
export type PermissionsInput = z.input<typeof permissionsSchema>;

export const isolationSchema = z.enum(['worker', 'process'])
  .describe('What runs the plugin: a worker thread (default) or a child process under Node\'s permission model');
export type Isolation = z.infer<typeof isolationSchema>;
