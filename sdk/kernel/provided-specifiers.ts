/**
 * Modules the runtime ships and the worker loader maps specifiers to: the SDK, and the
 * shims that let Pup plugins run unmodified. The bootstrap installs these as loader
 * aliases; the host's scan for npm:/jsr: imports skips them, so they are never
 * installed from a registry. One list for both, so the two cannot drift apart.
 */

/** Specifier → module, relative to workers/. */
const PROVIDED_MODULES: Readonly<Record<string, string>> = {
  'paddock-runtime/sdk': '../sdk/index.js',
  'npm:paddock-runtime/sdk': '../sdk/index.js',
  // Pup plugins run unmodified: their jsr:@pup/… imports (any version) resolve to these.
  'jsr:@pup/plugin': './shims/pup/plugin.js',
  'jsr:@pup/api-client': './shims/pup/api-client.js',
  'jsr:@pup/api-definitions': './shims/pup/api-definitions.js',
  // The same packages under the names JSR's npm layer gives them (npm:@jsr/pup__plugin, or
  // bare once a package.json or an installed package depends on them).
  '@jsr/pup__plugin': './shims/pup/plugin.js',
  'npm:@jsr/pup__plugin': './shims/pup/plugin.js',
  '@jsr/pup__api-client': './shims/pup/api-client.js',
  'npm:@jsr/pup__api-client': './shims/pup/api-client.js',
  '@jsr/pup__api-definitions': './shims/pup/api-definitions.js',
  'npm:@jsr/pup__api-definitions': './shims/pup/api-definitions.js',
};

// `jsr:@scope/name@range`, `jsr:/@scope/name`, `npm:name@range`: a package name with an optional version.
const VERSIONED_PACKAGE = /^(jsr:|npm:)\/?(@[^/@]+\/[^/@]+|[^/@]+)(?:@[^/]*)?$/;

/**
 * The alias of a specifier. A `jsr:`/`npm:` package name matches with or without a
 * version (and jsr's optional leading slash): plugins written for Deno pin versions,
 * e.g. `jsr:@pup/plugin@^1.0.1`, and all of them mean the one module the runtime ships.
 */
export function findAlias(aliases: ReadonlyMap<string, string>, specifier: string): string | undefined {
  const exact = aliases.get(specifier);
  if (exact !== undefined) return exact;
  const match = VERSIONED_PACKAGE.exec(specifier);
  return match ? aliases.get(`${match[1]}${match[2]}`) : undefined;
}

/**
 * The loader aliases: each provided specifier → the file: URL of its module. The caller
 * passes the URL of workers/ (the kernel names no other layer's files).
 */
export function providedAliases(workers: URL): Record<string, string> {
  return Object.fromEntries(Object.entries(PROVIDED_MODULES).map(([specifier, path]) => [specifier, new URL(path, workers).href]));
}

const provided: ReadonlyMap<string, string> = new Map(Object.entries(PROVIDED_MODULES));

export function isProvidedByRuntime(specifier: string): boolean {
  return findAlias(provided, specifier) !== undefined;
}
