/**
 * The facts a plugin's sandbox needs from the host, computed when the plugin starts:
 * the values of its granted environment variables, the absolute paths of its granted
 * commands (looked up on the host's PATH, so the plugin cannot redirect them), and
 * the folders of the runtime's own modules it loads (the SDK and its dependencies).
 */
import { accessSync, constants, existsSync, readFileSync } from 'node:fs';
import { delimiter, dirname, join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { realPath } from '../../sdk/kernel/paths.js';
import { threadLimits } from '../../sdk/kernel/thread-limits.js';
import { providedAliases } from '../../sdk/kernel/provided-specifiers.js';
import type { PermissionGrant, SandboxExtras } from '../../sdk/kernel/sandbox-data.js';
import type { ResolvedLimits } from '../options.js';

/** Values of the granted variables, from `env` (the host's environment). */
export function grantedEnv(grant: PermissionGrant, env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(env)) {
    if (value === undefined) continue;
    const allowed = grant.env === true || grant.env.some((entry) => entry === name || (entry.endsWith('*') && name.startsWith(entry.slice(0, -1))));
    if (allowed) out[name] = value;
  }
  return out;
}

/** `name` on PATH, as an absolute real path, or undefined. */
export function which(name: string, path = process.env.PATH ?? ''): string | undefined {
  for (const dir of path.split(delimiter)) {
    if (!dir) continue;
    const candidate = join(dir, name);
    try {
      accessSync(candidate, constants.X_OK);
      return realPath(candidate, true);
    } catch {
      // not in this folder (or not executable): keep looking
    }
  }
  return undefined;
}

export function grantedCommands(grant: PermissionGrant): Record<string, string> {
  const out: Record<string, string> = {};
  if (grant.run === true) return out;
  for (const entry of grant.run) {
    if (entry.includes('/')) continue;
    const found = which(entry);
    if (found) out[entry] = found;
  }
  return out;
}

const RUNTIME_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
/** Packages the worker side loads: the SDK's and the TypeScript loader's. */
const WORKER_PACKAGES = ['zod', 'comlink', 'sucrase'];

function findPackage(name: string, fromDir: string): string | undefined {
  for (let dir = fromDir; ; dir = dirname(dir)) {
    const candidate = join(dir, 'node_modules', name);
    if (existsSync(join(candidate, 'package.json'))) return candidate;
    if (dirname(dir) === dir) return undefined;
  }
}

let moduleDirs: string[] | undefined;

/**
 * Folders of the runtime's own worker-side modules: dist/sdk, the folders of the other
 * modules plugins may import by name (the Pup shims), and their dependencies, transitively.
 */
export function runtimeModuleDirs(): string[] {
  if (moduleDirs) return moduleDirs;
  const dirs = new Set<string>([realPath(join(RUNTIME_ROOT, 'dist', 'sdk'), true)]);
  for (const url of Object.values(providedAliases(new URL('../../workers/', import.meta.url)))) dirs.add(realPath(dirname(fileURLToPath(url)), true));
  for (const dir of packageDirs(WORKER_PACKAGES)) dirs.add(dir);
  moduleDirs = [...dirs];
  return moduleDirs;
}

let taskDirs: string[] | undefined;

/**
 * What a process-isolated plugin's task process reads beyond the plugin side
 * (runtime/transport/task-process.ts): the pool's own package, piscina, and its
 * dependencies. Plugin code never runs in that process's main thread.
 */
export function taskProcessDirs(): string[] {
  taskDirs ??= packageDirs(['piscina']);
  return taskDirs;
}

/** The folders of these packages of the runtime's, and of their dependencies, transitively. */
function packageDirs(names: readonly string[]): string[] {
  const dirs = new Set<string>();
  const queue: Array<[string, string]> = names.map((name) => [name, RUNTIME_ROOT]);
  const seen = new Set<string>();
  while (queue.length) {
    const [name, from] = queue.shift()!;
    const dir = findPackage(name, from);
    if (!dir) continue;
    const real = realPath(dir, true);
    if (seen.has(real)) continue;
    seen.add(real);
    dirs.add(real);
    try {
      const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { dependencies?: Record<string, string> };
      for (const dep of Object.keys(pkg.dependencies ?? {})) queue.push([dep, dir]);
    } catch {
      // An unreadable package.json: the package's own folder is still listed.
    }
  }
  return [...dirs];
}

/**
 * A plugin installed as a package (its code folder inside a node_modules folder) finds
 * its dependencies next to it: that node_modules folder is part of its code.
 */
export function dependencyDirs(codeDir: string | undefined): string[] {
  if (!codeDir) return [];
  const parts = codeDir.split(sep);
  const at = parts.lastIndexOf('node_modules');
  return at > 0 ? [realPath(parts.slice(0, at + 1).join(sep), true)] : [];
}

export function sandboxExtras(grant: PermissionGrant, limits: ResolvedLimits, codeDir?: string, hidden: string[] = []): SandboxExtras {
  const nestedLimits: SandboxExtras['nestedLimits'] = threadLimits(limits);
  return {
    env: grantedEnv(grant),
    commands: grantedCommands(grant),
    moduleDirs: [...runtimeModuleDirs(), ...dependencyDirs(codeDir)],
    hidden,
    nestedWorkers: limits.maxNestedWorkers,
    nestedLimits,
  };
}
