/**
 * Module resolution and loading for plugin code, shared by both ways Node runs hooks:
 * in-thread `module.registerHooks` (Node ≥ 22.15, synchronous `next*`) and off-thread
 * `module.register` (Node 20, asynchronous `next*`). Each hook therefore returns
 * whatever its `next` returned, promise or not, and never awaits it.
 *
 * What it does:
 * - maps `paddock-runtime/sdk` (and the other aliases the bootstrap passes) to the runtime's own
 *   copy, so a plugin and the bootstrap share one SDK instance in the worker;
 * - transpiles `.ts`/`.mts`/`.cts` files (types stripped, no type check) with an inline
 *   source map, so stack traces point at the TypeScript line;
 * - maps bare specifiers through the plugin's import map (deno.json / package.json,
 *   sdk/kernel/import-map.ts) to a provided module, an installed npm:/jsr: package or a file;
 * - lets a TypeScript file import `./x.js` when only `./x.ts` exists (tsc's convention);
 * - refuses modules the plugin may not load (module-policy.ts), before anything else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { checkBarePackage, checkModuleLoad, checkModuleResolve, checkModuleResolved } from './module-policy.js';
import { currentImportMap, resolvePackageImport } from './package-imports.js';
import { resolveImportMap } from '../../sdk/kernel/import-map.js';
import { findAlias } from '../../sdk/kernel/provided-specifiers.js';
import { transpileTypeScript } from '../../sdk/kernel/transpile.js';
import type { LoadContext, LoadResult, MaybePromise, NextLoad, NextResolve, ResolveContext, ResolveResult } from './hook-types.js';

export interface LoaderConfig {
  /** Specifier → URL of the module to use instead (see findAlias for jsr:/npm: versions). */
  aliases: Record<string, string>;
}

const TS_EXTENSION = /\.(c|m)?ts$/;

/** A denial met while resolving a bare name: the package is out of reach, so not found. */
function hiddenAsMissing(specifier: string, error: unknown): unknown {
  if ((error as { code?: unknown } | null)?.code !== 'PADDOCK_ERR_PERMISSION_DENIED') return error;
  const missing = new Error(`Cannot find package '${specifier}'`) as Error & { code: string };
  missing.code = 'ERR_MODULE_NOT_FOUND';
  return missing;
}

export function createHooks(config: LoaderConfig) {
  const aliases = new Map(Object.entries(config.aliases));

  function resolve(specifier: string, context: ResolveContext, next: NextResolve): MaybePromise<ResolveResult> {
    checkModuleResolve(specifier, context.parentURL);
    const alias = findAlias(aliases, specifier);
    if (alias !== undefined) return { url: alias, shortCircuit: true };
    // The plugin's own modules only: packages resolve their dependencies from their install, as in Deno.
    const mapped = context.parentURL?.includes('/node_modules/') ? undefined : resolveImportMap(currentImportMap(), specifier, context.parentURL);
    if (mapped !== undefined) {
      const mappedAlias = findAlias(aliases, mapped);
      if (mappedAlias !== undefined) return { url: mappedAlias, shortCircuit: true };
      return resolvePackageImport(mapped, context, next) ?? next(mapped, context);
    }
    const fromPackage = resolvePackageImport(specifier, context, next); // npm:/jsr: in plugin source
    if (fromPackage !== undefined) return fromPackage;
    const parent = context.parentURL;
    if (parent?.startsWith('file:') && TS_EXTENSION.test(parent) && specifier.endsWith('.js')
      && (specifier.startsWith('./') || specifier.startsWith('../'))) {
      const asJs = new URL(specifier, parent);
      if (!existsSync(asJs)) {
        const asTs = new URL(specifier.replace(/\.js$/, '.ts'), parent);
        if (existsSync(asTs)) return { url: asTs.href, shortCircuit: true };
      }
    }
    // Node's search for a bare name stats and realpaths its way through node_modules
    // folders (the realpath goes through the fs gate): one out of reach reads as missing.
    let result: MaybePromise<ResolveResult>;
    try {
      checkBarePackage(specifier, parent, context.conditions?.includes('require') === true);
      result = next(specifier, context);
    } catch (error) {
      throw hiddenAsMissing(specifier, error);
    }
    if (result instanceof Promise) {
      return result.then((resolved) => {
        checkModuleResolved(specifier, resolved?.url);
        return resolved;
      }, (error: unknown) => {
        throw hiddenAsMissing(specifier, error);
      });
    }
    checkModuleResolved(specifier, result?.url);
    return result;
  }

  function load(url: string, context: LoadContext, next: NextLoad): MaybePromise<LoadResult> {
    checkModuleLoad(url);
    if (url.startsWith('file:') && TS_EXTENSION.test(url)) {
      const filename = fileURLToPath(url);
      const source = transpileTypeScript(readFileSync(filename, 'utf8'), filename);
      return { format: url.endsWith('.cts') ? 'commonjs' : 'module', source, shortCircuit: true };
    }
    return next(url, context);
  }

  return { resolve, load };
}
