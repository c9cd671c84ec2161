/**
 * The host-only half of each permission kind (sdk/kernel/permissions/): the zod schema
 * of one list entry. schema.ts builds the config's `permissions` object from these and
 * the kinds' own descriptions, so a kind is described in one place. Plugin workers
 * never load this module (zod costs start time there).
 */
import { z } from 'zod';
import { SYS_KINDS } from '../../sdk/kernel/permissions/sys.js';
import type { PermissionName } from '../../sdk/kernel/permissions/table.js';

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

/** One entry's schema per kind. */
export const ENTRY_SCHEMAS = {
  read: pathEntry,
  write: pathEntry,
  net: netEntry,
  env: envEntry,
  run: runEntry,
  ffi: pathEntry,
  sys: sysEntry,
  import: pathEntry,
} satisfies { readonly [K in PermissionName]: z.ZodType<string> };
