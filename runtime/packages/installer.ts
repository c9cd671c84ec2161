/**
 * Installs one package with its own dependency tree into the cache, with npm's own
 * machinery (pacote resolves and fetches, arborist builds the tree and extracts it).
 *
 *   <cacheDir>/_cacache/                 tarballs and registry metadata, content-addressed (cacache)
 *   <cacheDir>/installs/<name>@<version>-<tree hash>/
 *       package.json, package-lock.json  the install's root, depending on exactly <name>@<version>
 *       node_modules/<name>/…            the package, its dependencies beside it (npm's layout)
 *       .paddock-seal.json               SHA-256 of every file, written last (marks it complete)
 *   <cacheDir>/tmp/                      installs in progress, renamed into installs/ when sealed
 *
 * An install is shared by every plugin and every run that resolves to the same tree; it
 * is never modified after it is sealed. Install scripts never run (ignoreScripts), and
 * only registry tarballs are accepted (no git, file or link dependencies).
 *
 * Two ways in:
 * - from the lockfile: the recorded tree is installed as recorded (arborist reads it as
 *   a package-lock), and the installed files must hash to the recorded digest;
 * - fresh: pacote resolves the range, arborist builds the ideal tree from the registry.
 */
import { createHash, randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Logger } from 'pino';
import { paddockError } from '../../sdk/errors.js';
import { fetchTarballs, type TarballRef } from './fetch-tarballs.js';
import { describeDifference, hashTree, readSeal, writeSeal, type Seal } from './install-seal.js';
import type { LockedPackage, LockTree } from './lockfile.js';
import { arborist as loadArborist, pacote as loadPacote, type Arborist, type ArboristTree, type Manifest } from './npm-libs.js';
import { npmOptions } from './npm-config.js';
import type { ResolvedPackageOptions } from './options.js';
import type { ProgressListener } from './progress.js';
import { isNetworkError, toPackageError } from './registry-errors.js';
import type { PackageSpecifier } from './specifier.js';

export interface InstalledPackage {
  name: string;
  version: string;
  /** Folder of the install: its node_modules holds the package and its dependencies. */
  root: string;
  /** The package's own folder (root/node_modules/<name>). */
  packageDir: string;
  /** What paddock.lock records for it. */
  locked: LockedPackage;
}

export interface LockedRef {
  name: string;
  version: string;
  locked: LockedPackage;
}

export interface InstallRequest {
  spec: PackageSpecifier;
  /** What the lockfile holds for the specifier; installed as recorded when given. */
  locked?: LockedRef | undefined;
  /** Frozen: only the lockfile and the cache; no network. */
  frozen: boolean;
  /** Replace installs and cache entries that fail verification instead of refusing them. */
  repair: boolean;
  /** A tree the lockfile already holds for name@version (shared by several specifiers). */
  lockedVersion?: (name: string, version: string) => Promise<LockedPackage | undefined>;
  onProgress: ProgressListener;
}

// Lockfile fields that are only informational: left out to keep paddock.lock short.
const DROPPED_TREE_FIELDS = new Set(['license', 'funding']);
const ROOT_NAME = 'paddock-plugin-install';

function installName(name: string, version: string, tree: LockTree): string {
  const hash = createHash('sha256');
  for (const location of Object.keys(tree).sort()) {
    const entry = tree[location]!;
    hash.update(`${location}\0${entry.version}\0${entry.integrity ?? entry.resolved ?? ''}\n`);
  }
  return `${name.replace(/^@/, '').replace('/', '+')}@${version}-${hash.digest('hex').slice(0, 16)}`;
}

function treeFromIdeal(ideal: ArboristTree, spec: PackageSpecifier): LockTree {
  const tree: LockTree = {};
  for (const node of ideal.inventory.values()) {
    if (node.isRoot) continue;
    if (node.isLink || (!node.inBundle && !/^https?:/.test(node.resolved ?? ''))) {
      throw paddockError('PADDOCK_ERR_INSTALL_FAILED', {
        specifier: spec.raw,
        reason: `dependency ${node.packageName}@${node.version} does not come from a registry (${node.resolved ?? 'a link'}); only registry packages are installed`,
      });
    }
    tree[node.location] = {
      version: node.version,
      ...(node.resolved ? { resolved: node.resolved } : {}),
      ...(node.integrity ? { integrity: node.integrity } : {}),
    };
  }
  return tree;
}

function tarballRefs(tree: LockTree): TarballRef[] {
  return Object.entries(tree)
    .filter(([, entry]) => entry.inBundle !== true && typeof entry.resolved === 'string')
    .map(([location, entry]) => ({
      name: location.slice(location.lastIndexOf('node_modules/') + 'node_modules/'.length),
      version: entry.version,
      resolved: entry.resolved!,
      integrity: entry.integrity,
    }));
}

export class Installer {
  readonly #options: ResolvedPackageOptions;
  readonly #logger: Logger;

  constructor(options: ResolvedPackageOptions, logger: Logger) {
    this.#options = options;
    this.#logger = logger;
  }

  get installsDir(): string {
    return join(this.#options.cacheDir, 'installs');
  }

  async install(request: InstallRequest): Promise<InstalledPackage> {
    if (request.locked) return this.#fromLock(request, request.locked, request.frozen ? 'frozen mode does not download' : undefined);
    if (request.frozen) throw new Error('a frozen install needs a locked tree'); // the loader checks first
    const { manifest, noNetwork } = await this.#resolve(request);
    const known = await request.lockedVersion?.(manifest.name, manifest.version);
    if (known) return this.#fromLock(request, { name: manifest.name, version: manifest.version, locked: known }, noNetwork);
    return this.#fresh(request, manifest, noNetwork);
  }

  /** The version a range means, from the registry; from cached metadata when the registry is down. */
  async #resolve(request: InstallRequest): Promise<{ manifest: Manifest; noNetwork: string | undefined }> {
    const { spec } = request;
    request.onProgress({ specifier: spec.raw, phase: 'resolve', message: spec.npmSpec });
    const pacote = loadPacote();
    try {
      return { manifest: await pacote.manifest(spec.npmSpec, npmOptions(this.#options, { offline: false })), noNetwork: undefined };
    } catch (error) {
      const mapped = toPackageError(error, { spec, options: this.#options });
      if (!isNetworkError(error) && mapped.code !== 'PADDOCK_ERR_REGISTRY_FAILED') throw mapped;
      // No usable metadata in the cache either: the registry's own error is the one to report.
      const cached = await pacote.manifest(spec.npmSpec, npmOptions(this.#options, { offline: true })).catch(() => undefined);
      if (!cached) throw mapped;
      this.#logger.warn(`${spec.raw}: ${mapped.message}; using the registry metadata in the cache`);
      return { manifest: cached, noNetwork: 'the registry cannot be reached' };
    }
  }

  async #fromLock(request: InstallRequest, ref: LockedRef, noNetwork: string | undefined): Promise<InstalledPackage> {
    const { spec } = request;
    const root = join(this.installsDir, installName(ref.name, ref.version, ref.locked.tree));
    const result = { name: ref.name, version: ref.version, root, packageDir: join(root, 'node_modules', ref.name), locked: ref.locked };
    if (await this.#verifyExisting(request, root, ref.locked.files)) return result;
    const work = await this.#workDir(ref.name, ref.version);
    try {
      await writeFile(join(work, 'package-lock.json'), JSON.stringify({
        name: ROOT_NAME,
        version: '0.0.0',
        lockfileVersion: 3,
        requires: true,
        packages: { '': { name: ROOT_NAME, version: '0.0.0', dependencies: { [ref.name]: ref.version } }, ...ref.locked.tree },
      }, null, 2));
      // Every tarball is in the cache by then: arborist extracts them offline.
      const arborist = new (loadArborist())({ ...npmOptions(this.#options, { offline: true }), path: work });
      await this.#fetchAndExtract(request, arborist, tarballRefs(ref.locked.tree), noNetwork);
      const { digest, hashes } = await hashTree(work);
      if (digest !== ref.locked.files) {
        throw paddockError('PADDOCK_ERR_INTEGRITY', {
          specifier: spec.raw,
          what: `the files of ${ref.name}@${ref.version}`,
          reason: `installed from the tarballs paddock.lock records, they hash to ${digest}, not to the recorded ${ref.locked.files}`,
        });
      }
      await this.#seal(spec, work, root, { sealVersion: 1, name: ref.name, version: ref.version, integrity: ref.locked.integrity, files: digest, hashes });
      return result;
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  async #fresh(request: InstallRequest, manifest: Manifest, noNetwork: string | undefined): Promise<InstalledPackage> {
    const { spec } = request;
    const { name, version } = manifest;
    const work = await this.#workDir(name, version);
    try {
      request.onProgress({ specifier: spec.raw, phase: 'resolve', message: `dependencies of ${name}@${version}` });
      const arborist = new (loadArborist())({ ...npmOptions(this.#options, { offline: noNetwork !== undefined }), path: work });
      let ideal: ArboristTree;
      try {
        ideal = await arborist.buildIdealTree();
      } catch (error) {
        throw toPackageError(error, { spec, options: this.#options, noNetwork });
      }
      const idealTree = treeFromIdeal(ideal, spec);
      const root = join(this.installsDir, installName(name, version, idealTree));
      // The same tree installed before (by another specifier, plugin or run): checked against its own seal.
      const existing = await this.#verifyExisting(request, root, undefined);
      if (existing) return this.#installed(name, version, root, existing.integrity, existing.files);
      await this.#fetchAndExtract(request, arborist, tarballRefs(idealTree), noNetwork);
      const integrity = idealTree[`node_modules/${name}`]?.integrity ?? manifest._integrity;
      const { digest, hashes } = await hashTree(work);
      await this.#seal(spec, work, root, { sealVersion: 1, name, version, integrity, files: digest, hashes });
      return this.#installed(name, version, root, integrity, digest);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
  }

  /** An install made earlier: its tree comes from its own package-lock.json. */
  async #installed(name: string, version: string, root: string, integrity: string, files: string): Promise<InstalledPackage> {
    const lock = JSON.parse(await readFile(join(root, 'package-lock.json'), 'utf8')) as { packages: Record<string, Record<string, unknown>> };
    const tree: LockTree = {};
    for (const [location, entry] of Object.entries(lock.packages)) {
      if (location === '') continue;
      tree[location] = Object.fromEntries(Object.entries(entry).filter(([key]) => !DROPPED_TREE_FIELDS.has(key))) as LockTree[string];
    }
    return { name, version, root, packageDir: join(root, 'node_modules', name), locked: { integrity, files, tree } };
  }

  /** Fetch the tree's tarballs into the cache (with progress), then let arborist extract its ideal tree. */
  async #fetchAndExtract(request: InstallRequest, arborist: Arborist, refs: TarballRef[], noNetwork: string | undefined): Promise<void> {
    const { spec } = request;
    await fetchTarballs(refs, {
      spec,
      options: this.#options,
      npm: npmOptions(this.#options, { offline: false }),
      noNetwork,
      repair: request.repair,
      logger: this.#logger,
      onProgress: request.onProgress,
    });
    request.onProgress({ specifier: spec.raw, phase: 'install', message: `${refs.length} package${refs.length === 1 ? '' : 's'}` });
    try {
      // pacote finds each tarball in the cache by its integrity: no download happens here.
      await arborist.reify();
    } catch (error) {
      throw toPackageError(error, { spec, options: this.#options, noNetwork: noNetwork ?? 'the extraction runs offline' });
    }
  }

  /**
   * The seal of the install at `root` when there is one and its files hash to `expected`
   * (the lockfile's digest; the seal's own when undefined). A mismatch is refused
   * (PADDOCK_ERR_INTEGRITY), or, when repairing, the install is removed and undefined
   * returned so it is made again.
   */
  async #verifyExisting(request: InstallRequest, root: string, expected: string | undefined): Promise<Seal | undefined> {
    const seal = await readSeal(root);
    if (seal === undefined) return undefined;
    request.onProgress({ specifier: request.spec.raw, phase: 'verify', message: root });
    const { digest, hashes } = await hashTree(root);
    if (seal !== 'invalid' && digest === (expected ?? seal.files)) return seal;
    const reason = seal === 'invalid'
      ? `its seal ${join(root, '.paddock-seal.json')} is damaged`
      : `${describeDifference(hashes, seal.hashes)} (in ${root})`;
    if (request.repair) {
      this.#logger.warn(`${request.spec.raw}: the installed files were changed (${reason}); installing them again`);
      await rm(root, { recursive: true, force: true });
      return undefined;
    }
    throw paddockError('PADDOCK_ERR_INTEGRITY', {
      specifier: request.spec.raw,
      what: 'the installed files in the cache',
      // Not "paddock add": the package may be a dependency or an import of a plugin, not a plugin entry.
      reason: `${reason}; the install is refused (delete ${root} and load again, without --frozen, to install it afresh)`,
    });
  }

  async #workDir(name: string, version: string): Promise<string> {
    const work = join(this.#options.cacheDir, 'tmp', `${name.replace(/^@/, '').replace('/', '+')}@${version}-${randomBytes(6).toString('hex')}`);
    await mkdir(work, { recursive: true });
    await writeFile(join(work, 'package.json'), JSON.stringify({ name: ROOT_NAME, version: '0.0.0', private: true, dependencies: { [name]: version } }, null, 2));
    return work;
  }

  /** Write the seal last and move the finished install into place (atomic; a concurrent twin wins). */
  async #seal(spec: PackageSpecifier, work: string, root: string, seal: Seal): Promise<void> {
    await writeSeal(work, seal);
    await mkdir(this.installsDir, { recursive: true });
    try {
      await rename(work, root);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code !== 'ENOTEMPTY' && code !== 'EEXIST' && code !== 'EPERM') throw error;
      // Another process sealed the same tree first: use its copy if its files are the same.
      const { digest } = await hashTree(root);
      if (digest !== seal.files) {
        throw paddockError('PADDOCK_ERR_INTEGRITY', {
          specifier: spec.raw,
          what: 'the installed files in the cache',
          reason: `${root} appeared while installing and its files differ from the ones just installed; it is refused`,
        });
      }
      this.#logger.debug(`${root} was installed concurrently; using that copy`);
    }
  }
}
