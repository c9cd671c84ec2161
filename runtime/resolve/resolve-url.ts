/**
 * From the `url` of a plugin entry to a module the worker can import.
 *
 * - `file:///abs/plugin.ts`, `/abs/plugin.ts`, `./rel/plugin.js` (relative to the config
 *   file's directory): a module file, or a folder with a package.json (its `paddock`
 *   field, `exports["."]` or `main`) or an index/mod file;
 * - `npm:` / `jsr:`: handled by a scheme resolver registered with the runtime.
 */
import type { ImportMap } from '../../sdk/kernel/import-map.js';
import { readFile, stat } from 'node:fs/promises';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { paddockError } from '../../sdk/errors.js';
import type { InstallProgress } from '../packages/progress.js';
import type { PackageImportMap } from '../../sdk/kernel/package-import-map.js';

export const PLUGIN_EXTENSIONS = ['.js', '.mjs', '.cjs', '.ts', '.mts', '.cts'] as const;
const INDEX_NAMES = ['index.ts', 'index.mts', 'index.js', 'index.mjs', 'mod.ts', 'mod.js', 'plugin.ts', 'plugin.js'];

export interface ResolvedPlugin {
  /** The url as the entry gave it. */
  url: string;
  /** file: URL of the module the worker imports. */
  moduleUrl: string;
  /** Folder holding the plugin's code (its package, or the file's folder). */
  codeDir: string;
  /**
   * Other folders the plugin's modules load from (e.g. where a package manager put its
   * dependencies); the sandbox lets the plugin read and load them like its code folder.
   */
  moduleDirs?: string[];
  /** Id to use when the entry gives none. */
  defaultId: string;
  /** name and version from package.json, when the plugin is a package. */
  package?: { name: string; version: string };
  /** The npm:/jsr: imports of the plugin's source → where they were installed (PluginBoot.packageImports). */
  packageImports?: PackageImportMap;
  /** The plugin folder's import map (deno.json, package.json), for the worker loader (PluginBoot.importMap). */
  importMap?: ImportMap;
  /** Folders the resolver installed packages into (already among moduleDirs). */
  packageDirs?: string[];
}

export interface ResolveContext {
  baseDir: string;
  /** Progress of long resolutions (package installs). */
  onProgress?: (progress: InstallProgress) => void;
}

export interface SchemeResolver {
  resolve(url: string, context: ResolveContext): Promise<ResolvedPlugin>;
}

const SCHEME = /^([a-z][a-z0-9+.-]*):/i;

export function slugify(name: string): string {
  const slug = name.toLowerCase().replace(/^@/, '').replace(/[^a-z0-9._-]+/g, '-').replace(/^[^a-z0-9]+/, '').slice(0, 64);
  return slug || 'plugin';
}

export function urlToPath(url: string, baseDir: string): string {
  if (url.startsWith('file://')) {
    try {
      return fileURLToPath(url);
    } catch (error) {
      throw paddockError('PADDOCK_ERR_URL_INVALID', { url, reason: (error as Error).message }, { cause: error });
    }
  }
  const path = url.startsWith('file:') ? url.slice('file:'.length) : url;
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

export async function resolvePluginUrl(
  url: string,
  context: ResolveContext,
  schemes: ReadonlyMap<string, SchemeResolver>,
): Promise<ResolvedPlugin> {
  const scheme = SCHEME.exec(url)?.[1]?.toLowerCase();
  // One-letter "schemes" are Windows drive letters, i.e. paths.
  if (scheme && scheme !== 'file' && scheme.length > 1) {
    const resolver = schemes.get(scheme);
    if (!resolver) throw paddockError('PADDOCK_ERR_URL_UNSUPPORTED', { url, scheme: `${scheme}:` });
    return resolver.resolve(url, context);
  }
  return resolveFile(url, urlToPath(url, context.baseDir));
}

async function resolveFile(url: string, path: string): Promise<ResolvedPlugin> {
  const info = await stat(path).catch(() => undefined);
  if (!info) throw paddockError('PADDOCK_ERR_PLUGIN_NOT_FOUND', { url, path });
  if (info.isDirectory()) return resolveFolder(url, path);
  const extension = extname(path);
  if (!(PLUGIN_EXTENSIONS as readonly string[]).includes(extension)) {
    throw paddockError('PADDOCK_ERR_URL_INVALID', { url, reason: `expected a ${PLUGIN_EXTENSIONS.join(', ')} file or a folder, got "${extension || 'no extension'}"` });
  }
  const stem = basename(path, extension);
  const defaultId = ['index', 'mod', 'plugin', 'main'].includes(stem) ? basename(dirname(path)) : stem;
  return { url, moduleUrl: pathToFileURL(path).href, codeDir: dirname(path), defaultId: slugify(defaultId) };
}

interface PackageJson {
  name?: unknown;
  version?: unknown;
  paddock?: unknown;
  exports?: unknown;
  main?: unknown;
}

/** The entry file a package names: `paddock` field, then `exports["."]`, then `main`. */
export function packageEntry(pkg: PackageJson): string | undefined {
  if (typeof pkg.paddock === 'string') return pkg.paddock;
  if (typeof pkg.paddock === 'object' && pkg.paddock !== null && typeof (pkg.paddock as { entry?: unknown }).entry === 'string') {
    return (pkg.paddock as { entry: string }).entry;
  }
  const exp = pkg.exports;
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (typeof value === 'object' && value !== null) {
      const conditions = value as Record<string, unknown>;
      for (const key of ['paddock', 'import', 'node', 'default']) {
        const found = pick(conditions[key]);
        if (found) return found;
      }
    }
    return undefined;
  };
  if (typeof exp === 'string') return exp;
  if (typeof exp === 'object' && exp !== null) {
    const dot = (exp as Record<string, unknown>)['.'];
    const found = dot === undefined ? pick(exp) : pick(dot);
    if (found) return found;
  }
  if (typeof pkg.main === 'string') return pkg.main;
  return undefined;
}

async function resolveFolder(url: string, dir: string): Promise<ResolvedPlugin> {
  let pkg: PackageJson | undefined;
  try {
    pkg = JSON.parse(await readFile(join(dir, 'package.json'), 'utf8')) as PackageJson;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw paddockError('PADDOCK_ERR_URL_INVALID', { url, reason: `its package.json is unreadable: ${(error as Error).message}` }, { cause: error });
    }
  }
  const candidates = pkg && packageEntry(pkg) ? [packageEntry(pkg)!] : INDEX_NAMES;
  for (const candidate of candidates) {
    const file = resolve(dir, candidate);
    const info = await stat(file).catch(() => undefined);
    if (info?.isFile()) {
      const name = typeof pkg?.name === 'string' ? pkg.name : basename(dir);
      const resolved: ResolvedPlugin = { url, moduleUrl: pathToFileURL(file).href, codeDir: dir, defaultId: slugify(name.split('/').pop() ?? name) };
      if (typeof pkg?.name === 'string' && typeof pkg.version === 'string') resolved.package = { name: pkg.name, version: pkg.version };
      return resolved;
    }
  }
  throw paddockError('PADDOCK_ERR_URL_INVALID', {
    url,
    reason: pkg ? `its package.json names no entry that exists (tried ${candidates.join(', ')})` : `the folder has no package.json and none of ${INDEX_NAMES.join(', ')}`,
  });
}
