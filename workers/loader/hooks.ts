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
 * - lets a TypeScript file import `./x.js` when only `./x.ts` exists (tsc's convention);
 * - refuses modules the plugin may not load (module-policy.ts), before anything else.
 */
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { checkModuleLoad, checkModuleResolve, checkModuleResolved } from './module-policy.js';
import { resolvePackageImport } from './package-imports.js';
import { findAlias } from '../../sdk/kernel/provided-specifiers.js';

export interface LoaderConfig {
  /** Specifier → URL of the module to use instead (see findAlias for jsr:/npm: versions). */
  aliases: Record<string, string>;
}

export interface ResolveContext { parentURL?: string | undefined; conditions?: readonly string[]; importAttributes?: Record<string, string> }
export interface ResolveResult { url: string; format?: string | null | undefined; shortCircuit?: boolean }
export interface LoadContext { format?: string | null | undefined; conditions?: readonly string[]; importAttributes?: Record<string, string> }
export interface LoadResult { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }

type MaybePromise<T> = T | Promise<T>;
export type NextResolve = (specifier: string, context?: ResolveContext) => MaybePromise<ResolveResult>;
export type NextLoad = (url: string, context?: LoadContext) => MaybePromise<LoadResult>;

const TS_EXTENSION = /\.(c|m)?ts$/;

let sucrase: typeof import('sucrase') | undefined;
function transpiler(): typeof import('sucrase') {
  // Loaded on first use: a JavaScript plugin never pays for it.
  sucrase ??= createRequire(import.meta.url)('sucrase') as typeof import('sucrase');
  return sucrase;
}

/** Strip TypeScript types; the output keeps line numbers and carries an inline source map. */
export function transpileTypeScript(source: string, filename: string): string {
  let output: ReturnType<typeof import('sucrase').transform>;
  try {
    output = transpiler().transform(source, {
      transforms: ['typescript'],
      disableESTransforms: true,
      keepUnusedImports: false,
      filePath: filename,
      sourceMapOptions: { compiledFilename: filename },
    });
  } catch (error) {
    // Report it like V8 would, with the position in the .ts file, not sucrase's stack.
    const text = (error as Error).message.replace(/^Error transforming [^:]+: /, '');
    const match = /^(.*) \((\d+):(\d+)\)$/.exec(text);
    throw new SyntaxError(match ? `${match[1]} (${filename}:${match[2]}:${match[3]})` : `${text} (${filename})`);
  }
  const { code, sourceMap } = output;
  if (!sourceMap) return code;
  const map = { ...sourceMap, sources: [pathToFileURL(filename).href], sourcesContent: [source] };
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}

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
