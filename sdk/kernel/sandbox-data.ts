/**
 * What the host tells a plugin worker about its permissions (plain data, sent in
 * `PluginBoot.sandbox`). Shared by the host (runtime/permissions/) and the worker
 * (workers/gates/); types and constants only.
 */

// The kinds themselves live in permissions/ (one module each); these names stay here
// for the modules that import them from this file.
export { NO_PERMISSIONS, PERMISSION_NAMES, type Grant, type PermissionGrant, type PermissionName } from './permissions/table.js';
export { SYS_KINDS, type SysKind } from './permissions/sys.js';
import type { PermissionGrant, PermissionName } from './permissions/table.js';

/** Extra facts the worker needs to enforce a grant, computed on the host at launch. */
export interface SandboxExtras {
  /** Values of the granted environment variables. */
  env: Record<string, string>;
  /** Command names in `run`, resolved on the host's PATH to absolute real paths. */
  commands: Record<string, string>;
  /** Folders the plugin may load modules from besides its code folder: the SDK and its dependencies. */
  moduleDirs: string[];
  /**
   * Real paths no default folder opens (a code folder may contain them): the data root,
   * which holds every plugin's data folder, and the host's config file. Only a grant
   * that names them (or a folder around them) does; the plugin's own data folder stays open.
   */
  hidden?: string[];
  /** Worker threads the plugin's code may run at once (0 in a nested worker: it starts none). */
  nestedWorkers: number;
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
