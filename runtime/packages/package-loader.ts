/**
 * The package loader: turns `npm:`/`jsr:` plugin urls into modules the worker imports,
 * and installs the `npm:`/`jsr:` imports found inside a plugin's source.
 *
 *   specifier ─parse─▶ paddock.lock? ─┬─ locked: install the recorded tree (or find it sealed in the cache)
 *                                     └─ not locked: resolve with the registry, install, record in paddock.lock
 *             ─▶ verify the installed files ─▶ the package's entry ─▶ ResolvedPlugin
 *
 * With `frozen`, a specifier missing from the lockfile is refused and nothing is
 * downloaded. Installs of the same specifier that overlap in time share one promise.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Logger } from 'pino';
import { paddockError, PaddockError } from '../../sdk/errors.js';
import type { PackageImportMap } from '../../sdk/kernel/package-import-map.js';
import { slugify, type ResolveContext, type ResolvedPlugin, type SchemeResolver } from '../resolve/resolve-url.js';
import { loadImportMap } from './import-map.js';
import { scanPackageImports } from './import-scan.js';
import { Installer, type InstalledPackage } from './installer.js';
import { Lockfile, LOCKFILE_NAME } from './lockfile.js';
import type { ResolvedPackageOptions } from './options.js';
import { findPackageEntry } from './package-entry.js';
import type { ProgressListener } from './progress.js';
import { parseSpecifier, type PackageSpecifier } from './specifier.js';

export interface PackageContext {
  /** Folder of the config file: the lockfile is paddock.lock there unless the options name one. */
  baseDir: string;
  onProgress?: ProgressListener | undefined;
}

export interface InstallOptions {
  /** Resolve again even when the lockfile has the specifier (paddock add). */
  refresh?: boolean;
  /** Replace installs and cache entries that fail verification instead of refusing them. */
  repair?: boolean;
  /** Lock a specifier without a range as `^<resolved version>` (what paddock add writes to the config). */
  pinRange?: boolean;
}

/** `npm:name` resolved to 1.2.3 becomes `npm:name@^1.2.3` (with its subpath, if any). */
export function pinnedSpecifier(spec: PackageSpecifier, version: string): string {
  if (spec.range !== undefined) return spec.raw;
  return `${spec.scheme}:${spec.name}@^${version}${spec.subpath === undefined ? '' : `/${spec.subpath}`}`;
}

export class PackageLoader implements SchemeResolver {
  readonly options: ResolvedPackageOptions;
  readonly #installer: Installer;
  readonly #logger: Logger;
  readonly #inflight = new Map<string, Promise<InstalledPackage>>();

  constructor(options: ResolvedPackageOptions, logger: Logger) {
    this.options = options;
    this.#logger = logger;
    this.#installer = new Installer(options, logger);
  }

  /** The lockfile used for plugins of a config in `baseDir` (undefined when lockfiles are off). */
  lockfileFor(baseDir: string): Lockfile | undefined {
    const option = this.options.lockfile;
    if (option === false) return undefined;
    if (option === undefined) return new Lockfile(join(baseDir, LOCKFILE_NAME));
    return new Lockfile(isAbsolute(option) ? option : resolve(baseDir, option));
  }

  /** Install a specifier (from the lockfile when it is there) and record it in the lockfile. */
  install(spec: PackageSpecifier, context: PackageContext, options: InstallOptions = {}): Promise<InstalledPackage> {
    const lockfile = this.lockfileFor(context.baseDir);
    const key = `${lockfile?.path ?? '-'}\0${spec.key}\0${options.refresh === true}`;
    const running = this.#inflight.get(key);
    if (running) return running;
    const promise = this.#install(spec, lockfile, context, options).finally(() => this.#inflight.delete(key));
    this.#inflight.set(key, promise);
    return promise;
  }

  async #install(spec: PackageSpecifier, lockfile: Lockfile | undefined, context: PackageContext, options: InstallOptions): Promise<InstalledPackage> {
    const onProgress = context.onProgress ?? (() => undefined);
    const found = options.refresh ? undefined : await lockfile?.lookup(spec.key);
    if (!found && this.options.frozen) {
      throw paddockError('PADDOCK_ERR_NOT_LOCKED', { specifier: spec.raw, lockfile: lockfile?.path ?? LOCKFILE_NAME });
    }
    const installed = await this.#installer.install({
      spec,
      locked: found && { name: found.name, version: found.version, locked: found.locked },
      frozen: this.options.frozen,
      repair: options.repair === true,
      lockedVersion: options.refresh || !lockfile ? undefined : (name, version) => lockfile.lookupPackage(name, version),
      onProgress,
    });
    const key = options.pinRange ? parseSpecifier(pinnedSpecifier(spec, installed.version)).key : spec.key;
    if (lockfile && !found) await lockfile.record(key, installed.name, installed.version, installed.locked);
    onProgress({ specifier: spec.raw, phase: 'done', message: `${installed.name}@${installed.version}` });
    this.#logger.debug({ specifier: spec.raw, root: installed.root }, `${spec.raw} is ${installed.name}@${installed.version}`);
    return installed;
  }

  /** SchemeResolver: an npm:/jsr: plugin url to the module of its package's entry. */
  resolve(url: string, context: ResolveContext): Promise<ResolvedPlugin> {
    return this.resolveWith(url, context);
  }

  /** resolve() with install options (paddock add refreshes, repairs and pins). */
  async resolveWith(url: string, context: ResolveContext, options: InstallOptions = {}): Promise<ResolvedPlugin & { installed: InstalledPackage }> {
    const spec = parseSpecifier(url);
    const installed = await this.install(spec, { baseDir: context.baseDir, onProgress: context.onProgress }, options);
    const { file, pkg } = await findPackageEntry(installed.packageDir, spec);
    return {
      installed,
      url,
      moduleUrl: pathToFileURL(file).href,
      // The install root, not just the package: the plugin reads its dependencies from there.
      codeDir: installed.root,
      defaultId: slugify(spec.name.split('/').pop() ?? spec.name),
      package: {
        name: typeof pkg.name === 'string' ? pkg.name : installed.name,
        version: typeof pkg.version === 'string' ? pkg.version : installed.version,
      },
      packageDirs: [installed.root],
    };
  }

  /**
   * Install the npm:/jsr: specifiers imported by the plugin's source and add the map the
   * worker loader needs (`packageImports`), and the install folders (`packageDirs`). Returns `resolved` unchanged when there are none.
   */
  async prepareImports(resolved: ResolvedPlugin, context: ResolveContext, options: Pick<InstallOptions, 'repair'> = {}): Promise<ResolvedPlugin> {
    // A local plugin's folder may carry an import map (deno.json, package.json); an
    // installed package resolves its dependencies from its install instead.
    const importMap = resolved.package === undefined && resolved.moduleUrl.startsWith('file:') ? await loadImportMap(resolved.codeDir) : undefined;
    if (importMap) resolved = { ...resolved, importMap };
    const scan = await scanPackageImports(resolved.moduleUrl, importMap);
    for (const { file, reason } of scan.skipped) this.#logger.debug(`not scanned for npm:/jsr: imports: ${file}: ${reason}`);
    if (!scan.imports.length) return resolved;
    const bySpecifier = new Map<string, string>();
    for (const { specifier, file } of scan.imports) if (!bySpecifier.has(specifier)) bySpecifier.set(specifier, file);
    const entries = await Promise.all([...bySpecifier].map(async ([specifier, file]) => {
      const where = relative(resolved.codeDir, file) || file;
      let spec: PackageSpecifier;
      try {
        spec = parseSpecifier(specifier);
      } catch (error) {
        const reason = (error as PaddockError).details?.reason ?? (error as Error).message;
        throw paddockError('PADDOCK_ERR_SPECIFIER_INVALID', { specifier, reason: `${String(reason)} (imported by ${where})` }, { cause: error });
      }
      const installed = await this.install(spec, { baseDir: context.baseDir, onProgress: context.onProgress }, options);
      const target = spec.subpath === undefined ? spec.packageName : `${spec.packageName}/${spec.subpath}`;
      return { specifier, installed, target };
    }));
    const imports: PackageImportMap = {};
    const dirs = new Set<string>(resolved.packageDirs ?? []);
    for (const { specifier, installed, target } of entries) {
      imports[specifier] = { specifier: target, parentURL: pathToFileURL(join(installed.root, 'package.json')).href };
      dirs.add(installed.root);
    }
    // The installs are module folders: the plugin may import (read) them, and nothing else there.
    return { ...resolved, moduleDirs: [...new Set([...(resolved.moduleDirs ?? []), ...dirs])], packageImports: imports, packageDirs: [...dirs] };
  }
}
