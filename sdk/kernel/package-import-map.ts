/**
 * The map the host builds from a plugin's npm:/jsr: imports (runtime/packages/package-loader.ts)
 * and the worker's loader applies (workers/loader/package-imports.ts): shared, so neither
 * side reaches into the other for it.
 */
export interface PackageImport {
  /** Bare specifier to resolve instead (`@jsr/scope__name/sub`). */
  specifier: string;
  /** file: URL inside the install the bare specifier is resolved from. */
  parentURL: string;
}

export type PackageImportMap = Record<string, PackageImport>;
