/**
 * npm's own libraries (pacote, @npmcli/arborist, cacache), loaded on first use: a host
 * that only loads file: plugins, or loads locked packages from a warm cache, never pays
 * for them (arborist alone takes about 0.2 s to load). They ship no types; the small
 * interfaces here describe exactly the part Paddock uses.
 */
import { createRequire } from 'node:module';
import { paddockError } from '../../sdk/errors.js';

const require = createRequire(import.meta.url);

export interface Manifest {
  name: string;
  version: string;
  _resolved: string;
  _integrity: string;
}

export interface Packument {
  name: string;
  versions: Record<string, unknown>;
  'dist-tags'?: Record<string, string>;
}

export interface Pacote {
  manifest(spec: string, options: object): Promise<Manifest>;
  packument(spec: string, options: object): Promise<Packument>;
  tarball: {
    stream<T>(spec: string, handler: (stream: AsyncIterable<Buffer>) => Promise<T>, options: object): Promise<T>;
  };
}

export interface ArboristNode {
  location: string;
  packageName: string;
  version: string;
  resolved: string | null;
  integrity: string | null;
  isRoot: boolean;
  isLink: boolean;
  inBundle: boolean;
}

export interface ArboristTree {
  inventory: Map<string, ArboristNode>;
}

export interface Arborist {
  buildIdealTree(options?: object): Promise<ArboristTree>;
  reify(options?: object): Promise<ArboristTree>;
}

export interface Cacache {
  get: {
    hasContent(cache: string, integrity: string): Promise<false | { sri: unknown; size: number }>;
    stream: { byDigest(cache: string, integrity: string, options?: object): AsyncIterable<Buffer> };
  };
  rm: { content(cache: string, integrity: string): Promise<unknown> };
}

/** require() with a clear error when the installer stack was left out of the install. */
function load<T>(name: string): T {
  try {
    return require(name) as T;
  } catch (error) {
    if ((error as { code?: string }).code === 'MODULE_NOT_FOUND' && (error as Error).message.includes(`'${name}'`)) {
      throw paddockError('PADDOCK_ERR_INSTALLER_MISSING', { module: name, reason: 'cannot find the module' });
    }
    throw error;
  }
}

export const pacote = (): Pacote => load<Pacote>('pacote');
export const arborist = (): new (options: object) => Arborist => load<new (options: object) => Arborist>('@npmcli/arborist');
export const cacache = (): Cacache => load<Cacache>('cacache');
