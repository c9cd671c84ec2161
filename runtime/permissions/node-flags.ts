/**
 * The flags that start a process-isolated plugin under Node's own permission model
 * with the plugin's grants: the same folders the worker gates allow (its code, its
 * data, the runtime's modules, read/write/import grants), child processes only with
 * a run grant, native addons only with ffi, the inspector only with `ffi: true`.
 *
 * Node's model has no environment rules (the gates inside the process do those, and
 * the process starts with only the granted variables), and network rules only from
 * Node 25 (`--allow-net`, all or nothing: the gates check hosts and ports). It does
 * not follow symbolic links when it compares paths, so the grants are passed as real
 * paths. A flag is passed only to a Node that knows it (an unknown one stops Node).
 */
import type { PermissionGrant } from '../../workers/sandbox-data.js';
import type { ResolvedLimits } from '../options.js';

export interface NodeVersion {
  major: number;
  minor: number;
  /** The command-line flags this Node accepts (the running Node's own); without it, FLAGS_SINCE decides. */
  flags?: { has(flag: string): boolean };
}

export function currentNodeVersion(): NodeVersion {
  const [major = 0, minor = 0] = process.versions.node.split('.').map(Number);
  return { major, minor, flags: process.allowedNodeEnvironmentFlags };
}

/** The first release of each line that has a permission flag newer than the model (24.12: a backport). */
const FLAGS_SINCE: Record<string, ReadonlyArray<NodeVersion>> = {
  '--allow-inspector': [{ major: 24, minor: 12 }, { major: 25, minor: 0 }],
  '--allow-net': [{ major: 25, minor: 0 }],
  '--allow-ffi': [{ major: 26, minor: 0 }],
};

function accepts(version: NodeVersion, flag: string): boolean {
  if (version.flags) return version.flags.has(flag);
  const since = FLAGS_SINCE[flag] ?? [];
  const line = since.find((first) => first.major === version.major);
  if (line) return version.minor >= line.minor;
  return since.length > 0 && version.major > since[since.length - 1]!.major;
}

export interface ProcessFolders {
  codeDir: string;
  dataDir: string;
  /** Runtime folders the child must read to run at all (its entry, the SDK, dependencies). */
  runtimeDirs: string[];
}

/** One flag per path: Node reads a single comma-separated list as one path (since 20.8 / nodejs/node#49047). */
function pathFlags(flag: string, paths: string[]): string[] {
  return paths.map((path) => `${flag}=${path}`);
}

export function permissionFlags(grant: PermissionGrant, folders: ProcessFolders, version = currentNodeVersion()): string[] {
  const flags = [version.major >= 22 ? '--permission' : '--experimental-permission'];
  const list = (g: true | readonly string[]) => (g === true ? [] : [...g]);
  if (grant.read === true || grant.import === true) {
    flags.push('--allow-fs-read=*');
  } else {
    const reads = [...new Set([folders.codeDir, folders.dataDir, ...folders.runtimeDirs, ...list(grant.read), ...list(grant.import), ...list(grant.ffi)])];
    flags.push(...pathFlags('--allow-fs-read', reads));
  }
  if (grant.write === true) flags.push('--allow-fs-write=*');
  else flags.push(...pathFlags('--allow-fs-write', [...new Set([folders.dataDir, ...list(grant.write)])]));
  if (grant.run === true || grant.run.length > 0) flags.push('--allow-child-process');
  // Workers inherit the permission model (checked on Node 20 and 24), and the gates
  // (workers/nested-worker.ts); Node 20 also needs one for its module hooks thread.
  flags.push('--allow-worker');
  if (grant.ffi === true || grant.ffi.length > 0) flags.push('--allow-addons');
  // WASI preopens are checked by the gates; Node's model does not look inside WASI.
  if (grant.read === true || grant.read.length > 0 || grant.write === true || grant.write.length > 0) flags.push('--allow-wasi');
  // Node 22 (and 24 before 24.12) refuses the inspector under its model whatever the flags.
  if (grant.ffi === true && accepts(version, '--allow-inspector')) flags.push('--allow-inspector');
  // node:ffi calls any native function: like the inspector, only with `ffi: true`.
  if (grant.ffi === true && accepts(version, '--allow-ffi')) flags.push('--allow-ffi');
  // Without a net grant Node refuses every socket and name lookup itself (Unix sockets
  // too): a second wall under the gates. With one, the gates decide host by host.
  if ((grant.net === true || grant.net.length > 0) && accepts(version, '--allow-net')) flags.push('--allow-net');
  return flags;
}

/** V8 limits as flags (a worker gets them as resourceLimits). */
export function limitFlags(limits: ResolvedLimits): string[] {
  const flags: string[] = [];
  if (limits.maxOldGenerationSizeMb !== undefined) flags.push(`--max-old-space-size=${limits.maxOldGenerationSizeMb}`);
  // V8's young generation is two semi-spaces plus a large-object space; the semi-space is about a third.
  if (limits.maxYoungGenerationSizeMb !== undefined) flags.push(`--max-semi-space-size=${Math.max(1, Math.floor(limits.maxYoungGenerationSizeMb / 3))}`);
  // The main thread's stack is the OS's (8 MB on Linux by default): stay below it.
  if (limits.stackSizeMb !== undefined) flags.push(`--stack-size=${Math.floor(Math.min(limits.stackSizeMb, 7) * 1024)}`);
  return flags;
}
