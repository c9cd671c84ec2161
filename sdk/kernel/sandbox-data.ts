/**
 * What the host tells a plugin worker about its permissions (plain data, sent in
 * `PluginBoot.extensions`). Shared by the host (runtime/permissions/) and the worker
 * (workers/gates/); types and constants only.
 */

export const PERMISSION_NAMES = ['read', 'write', 'net', 'env', 'run', 'ffi', 'sys', 'import'] as const;
export type PermissionName = (typeof PERMISSION_NAMES)[number];

/**
 * Kinds of system information `sys` can grant, Deno's names plus `resourceUsage`
 * (process-wide memory and CPU figures: the host's and other plugins' too) and `threads`
 * (BroadcastChannel and postMessageToThread, which reach other threads of the host).
 */
export const SYS_KINDS = [
  'hostname', 'osRelease', 'osUptime', 'loadavg', 'networkInterfaces', 'systemMemoryInfo',
  'uid', 'gid', 'cpus', 'homedir', 'userInfo', 'getPriority', 'setPriority', 'resourceUsage', 'threads',
] as const;
export type SysKind = (typeof SYS_KINDS)[number];

/** One permission after normalization: everything, or a list (empty = nothing). */
export type Grant = true | readonly string[];

/**
 * Effective permissions: absolute real paths for read/write/ffi/import, lower-case
 * `host` or `host:port` for net (IPv6 without brackets before the port: `::1` or
 * `[::1]:80`), variable names (a trailing `*` matches a prefix) for env, command
 * names or absolute paths for run, kinds for sys.
 */
export type PermissionGrant = { readonly [K in PermissionName]: Grant };

export const NO_PERMISSIONS: PermissionGrant = Object.freeze({
  read: [], write: [], net: [], env: [], run: [], ffi: [], sys: [], import: [],
});

/** Extra facts the worker needs to enforce a grant, computed on the host at launch. */
export interface SandboxExtras {
  /** Values of the granted environment variables. */
  env: Record<string, string>;
  /** Command names in `run`, resolved on the host's PATH to absolute real paths. */
  commands: Record<string, string>;
  /** Folders the plugin may load modules from besides its code folder: the SDK and its dependencies. */
  moduleDirs: string[];
  /** Limits the plugin's own nested workers get. */
  nestedLimits: { maxOldGenerationSizeMb?: number; maxYoungGenerationSizeMb?: number; stackSizeMb?: number };
}

/** Everything the gates of one plugin need. */
export interface SandboxData extends SandboxExtras {
  plugin: string;
  grant: PermissionGrant;
  /** The plugin's code folder (readable) and private data folder (readable and writable). */
  codeDir: string;
  dataDir: string;
}

/** A denial as reported to the host. */
export interface DenialReport {
  permission: PermissionName;
  access: string;
  resource: string;
}
