/**
 * From the errors of pacote, arborist and npm-registry-fetch (identified by their `code`)
 * to Paddock errors that name the specifier and the cause.
 */
import { PaddockError, paddockError } from '../../sdk/errors.js';
import type { ResolvedPackageOptions } from './options.js';
import { registryFor } from './npm-config.js';
import type { PackageSpecifier } from './specifier.js';

interface NpmError {
  code?: string;
  statusCode?: number;
  pkgid?: string;
  message?: string;
  versions?: string[];
  distTags?: Record<string, string>;
  wanted?: string;
  name?: string;
  type?: string;
}

const NETWORK_CODES = new Set([
  'ECONNREFUSED', 'ECONNRESET', 'ENOTFOUND', 'EAI_AGAIN', 'ETIMEDOUT', 'EHOSTUNREACH', 'ENETUNREACH', 'EPIPE',
  'ECONNECTIONTIMEOUT', 'EIDLETIMEOUT', 'ERESPONSETIMEOUT', 'ETRANSFERTIMEOUT', 'ERR_SOCKET_CONNECTION_TIMEOUT',
]);

/** The name inside an npm "pkgid" such as `@scope/name@^1` or `name@latest`. */
function nameOf(pkgid: string | undefined, fallback: string): string {
  if (!pkgid) return fallback;
  const at = pkgid.indexOf('@', 1);
  return at > 0 ? pkgid.slice(0, at) : pkgid;
}

export function isNetworkError(error: unknown): boolean {
  const e = error as NpmError;
  return (e.code !== undefined && NETWORK_CODES.has(e.code)) || e.type === 'request-timeout';
}

function available(e: NpmError): string {
  const versions = e.versions ?? [];
  if (!versions.length) return 'none published';
  const shown = versions.slice(-12);
  const latest = e.distTags?.latest ? `; latest is ${e.distTags.latest}` : '';
  return `${versions.length > 12 ? '…, ' : ''}${shown.join(', ')}${latest}`;
}

export interface ErrorContext {
  spec: PackageSpecifier;
  options: ResolvedPackageOptions;
  /** Why the network may not be used, when it may not (frozen, offline fallback). */
  noNetwork?: string;
}

export function toPackageError(error: unknown, { spec, options, noNetwork }: ErrorContext): PaddockError {
  if (error instanceof PaddockError) return error;
  const e = (error ?? {}) as NpmError;
  const specifier = spec.raw;
  const packageName = nameOf(e.pkgid, spec.packageName);
  const registry = registryFor(packageName, options);
  const reason = e.message ?? String(error);
  const cause = { cause: error };
  if (e.code === 'E404') return paddockError('PADDOCK_ERR_PACKAGE_NOT_FOUND', { specifier, package: packageName, registry }, cause);
  if (e.code === 'ETARGET') {
    return paddockError('PADDOCK_ERR_NO_MATCHING_VERSION', {
      specifier, package: e.name ?? packageName, range: e.wanted ?? spec.range ?? 'latest', available: available(e),
    }, cause);
  }
  if (e.code === 'ENOTCACHED') {
    return paddockError('PADDOCK_ERR_NOT_CACHED', {
      specifier, package: packageName, cacheDir: options.cacheDir, why: noNetwork ?? 'the registry may not be asked (offline)',
    }, cause);
  }
  if (e.code === 'EINTEGRITY') return paddockError('PADDOCK_ERR_INTEGRITY', { specifier, what: `a tarball of ${packageName}`, reason }, cause);
  const status = e.statusCode ?? (/^E(\d{3})$/.exec(e.code ?? '') ? Number(e.code!.slice(1)) : undefined);
  if (status !== undefined) {
    const hint = status === 401 || status === 403 ? ` (set the token in the environment variable ${options.tokenEnv})` : '';
    return paddockError('PADDOCK_ERR_REGISTRY_FAILED', { specifier, registry, status, reason: `${reason}${hint}` }, cause);
  }
  if (isNetworkError(error)) return paddockError('PADDOCK_ERR_REGISTRY_UNREACHABLE', { specifier, registry, reason: `${e.code ?? e.type}: ${reason}` }, cause);
  return paddockError('PADDOCK_ERR_INSTALL_FAILED', { specifier, reason }, cause);
}
