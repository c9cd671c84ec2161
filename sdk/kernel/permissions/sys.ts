/**
 * `sys`: kinds of host information, Deno's names plus `resourceUsage` (process-wide
 * memory and CPU figures: the host's and other plugins' too) and `threads`
 * (BroadcastChannel and postMessageToThread, which reach other threads of the host).
 * workers/gates/sys-routes.ts maps every route to its kind.
 */
import type { PermissionKind } from './kind.js';

export const SYS_KINDS = [
  'hostname', 'osRelease', 'osUptime', 'loadavg', 'networkInterfaces', 'systemMemoryInfo',
  'uid', 'gid', 'cpus', 'homedir', 'userInfo', 'getPriority', 'setPriority', 'resourceUsage', 'threads',
] as const;
export type SysKind = (typeof SYS_KINDS)[number];

export const sys: PermissionKind<'sys', 'kind'> = {
  name: 'sys',
  resource: 'kind',
  describe: 'System information the plugin may read (true: all)',
  normalise: (entry) => entry,
  covers: (inner, outer) => inner === outer,
  node: {},
};
