/**
 * The options pacote and arborist receive: which registry serves which scope, the
 * cache, the bounded retry, the auth token, and the install policy (no scripts, no
 * bin links). Nothing is read from the user's .npmrc: the runtime's own options are the
 * whole configuration, so a host behaves the same on every machine.
 */
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { ResolvedPackageOptions } from './options.js';

const version = (createRequire(import.meta.url)('../../../package.json') as { version: string }).version;

/** npm's "nerf dart": the registry URL without protocol, as auth settings are keyed. */
export function nerfDart(registry: string): string {
  const url = new URL(registry);
  return `//${url.host}${url.pathname.endsWith('/') ? url.pathname : `${url.pathname}/`}`;
}

export function cachePath(options: ResolvedPackageOptions): string {
  return join(options.cacheDir, '_cacache');
}

export function registryFor(packageName: string, options: ResolvedPackageOptions): string {
  return packageName.startsWith('@jsr/') ? options.jsrRegistry : options.registry;
}

export function npmOptions(options: ResolvedPackageOptions, { offline }: { offline: boolean }): Record<string, unknown> {
  const npm: Record<string, unknown> = {
    registry: options.registry,
    '@jsr:registry': options.jsrRegistry,
    cache: cachePath(options),
    offline,
    preferOnline: false,
    retry: {
      retries: options.fetchRetries,
      factor: 2,
      minTimeout: options.fetchRetryDelayMs,
      maxTimeout: options.fetchRetryDelayMs * 4,
    },
    timeout: options.fetchTimeoutMs,
    userAgent: `paddock/${version} node/${process.version} ${process.platform} ${process.arch}`,
    // Install policy: a plugin's dependency tree never runs code at install time.
    ignoreScripts: true,
    binLinks: false,
    // Peers of a plugin (paddock itself, mostly) are provided by the host, not installed.
    legacyPeerDeps: true,
    audit: false,
    fund: false,
    save: true,
    packageLock: true,
    omit: ['dev'],
  };
  const token = process.env[options.tokenEnv];
  if (token) npm[`${nerfDart(options.registry)}:_authToken`] = token;
  return npm;
}
