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
import { PERMISSION_KINDS, type PermissionGrant } from '../../sdk/kernel/permissions/table.js';
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
/**
 * The first release of each line that has a permission flag newer than the model, for
 * flags computed for another line (tests); the running Node is asked directly.
 * `--allow-inspector` came to 24 in 24.12 (a backport).
 */
const FLAG_SINCE: Record<string, ReadonlyArray<NodeVersion>> = {
  '--allow-inspector': [{ major: 24, minor: 12 }, { major: 25, minor: 0 }],
  '--allow-net': [{ major: 25, minor: 0 }],
  '--allow-ffi': [{ major: 26, minor: 0 }],
};

function lineHas(version: NodeVersion, flag: string): boolean {
  const since = FLAG_SINCE[flag] ?? [];
  const line = since.find((first) => first.major === version.major);
  if (line) return version.minor >= line.minor;
  return since.length > 0 && version.major > since[since.length - 1]!.major;
}

function pathFlags(flag: string, paths: string[]): string[] {
  return paths.map((path) => `${flag}=${path}`);
}

/**
 * `version` is for tests; without it the flags are those this Node knows (the child runs
 * the same binary): lines gain flags in minor releases (Node 22 has no --allow-inspector,
 * 24 has it; --allow-net came with 25), and an unknown flag stops Node at once.
 */
export function permissionFlags(grant: PermissionGrant, folders: ProcessFolders, forVersion?: NodeVersion): string[] {
  const version = forVersion ?? currentNodeVersion();
  const knows = (flag: string) => {
    if (version.flags) return version.flags.has(flag);
    return forVersion === undefined ? process.allowedNodeEnvironmentFlags.has(flag) : lineHas(version, flag);
  };
  const flags = [version.major >= 22 ? '--permission' : '--experimental-permission'];
  // Each kind says where its paths go and what else it needs (sdk/kernel/permissions/).
  const paths = { read: [folders.codeDir, folders.dataDir, ...folders.runtimeDirs], write: [folders.dataDir] };
  const everywhere = { read: false, write: false };
  const extra: string[] = [];
  for (const kind of PERMISSION_KINDS) {
    const given = grant[kind.name];
    const target = kind.node.paths;
    if (target && given === true && kind.node.everywhereWhenTrue) everywhere[target] = true;
    else if (target && given !== true) paths[target].push(...given);
    extra.push(...(kind.node.flags?.(given, { major: version.major }) ?? []));
  }
  flags.push(...(everywhere.read ? ['--allow-fs-read=*'] : pathFlags('--allow-fs-read', [...new Set(paths.read)])));
  flags.push(...(everywhere.write ? ['--allow-fs-write=*'] : pathFlags('--allow-fs-write', [...new Set(paths.write)])));
  // Workers inherit the permission model (checked on Node 20 and 24), and the gates
  // (workers/nested-worker.ts); Node 20 also needs one for its module hooks thread.
  flags.push('--allow-worker');
  // Lines gain flags in minor releases (Node 22 has no --allow-inspector, 24.12 has it;
  // --allow-net came with 25, --allow-ffi with 26), and an unknown flag stops Node at once: pass only those
  // this Node knows (the child runs the same binary).
  flags.push(...[...new Set(extra)].filter((flag) => !(flag in FLAG_SINCE) || knows(flag)));
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
