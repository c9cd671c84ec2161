/**
 * Find the `npm:` and `jsr:` specifiers a plugin imports, before its worker starts.
 *
 * Walks the plugin's own module graph from its entry: every file reached through
 * relative (or file:) imports is lexed with es-module-lexer (TypeScript is first stripped
 * the way the worker loader does it, so type-only imports are not installed). Bare
 * imports are not followed: they resolve from the package's installed dependencies.
 * Static imports, re-exports and import() with a string literal are found; an import()
 * of a computed string is not (the worker then says it was not installed).
 */
import { readFile, stat } from 'node:fs/promises';
import { extname } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { init, parse } from 'es-module-lexer';
import { transpileTypeScript } from '../../sdk/kernel/transpile.js';
import { resolveImportMap, type ImportMap } from '../../sdk/kernel/import-map.js';
import { isProvidedByRuntime } from '../../sdk/kernel/provided-specifiers.js';
import { isPackageSpecifier } from './specifier.js';

export interface FoundImport {
  specifier: string;
  /** The file that imports it. */
  file: string;
}

export interface ScanResult {
  imports: FoundImport[];
  /** Files that could not be lexed as ES modules (CommonJS, or a syntax error the worker will report). */
  skipped: Array<{ file: string; reason: string }>;
}

const MAX_FILES = 5_000;
const TS = /\.(m)?ts$/;
const SKIPPED_EXTENSIONS = new Set(['.cjs', '.cts', '.json', '.node', '.wasm']);

async function exists(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}

/** The file a relative import points at, with the loader's ".js → .ts" fallback for TypeScript parents. */
async function localTarget(specifier: string, parentFile: string): Promise<string | undefined> {
  if (!(specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:'))) return undefined;
  const url = new URL(specifier, pathToFileURL(parentFile));
  url.search = '';
  url.hash = '';
  const path = fileURLToPath(url);
  if (await exists(path)) return path;
  if (TS.test(parentFile) && path.endsWith('.js') && await exists(path.replace(/\.js$/, '.ts'))) return path.replace(/\.js$/, '.ts');
  return undefined;
}

/**
 * The specifiers a file imports. TypeScript is stripped first only when it matters: when
 * the file mentions npm: or jsr: (a type-only import of a package must not be installed),
 * or when the lexer cannot read it as it is. Most TypeScript files never load sucrase.
 */
function lex(source: string, file: string): Array<string | undefined> {
  const specifiersOf = (code: string) => parse(code, file)[0].map((entry) => entry.n);
  if (!TS.test(file)) return specifiersOf(source);
  if (/\b(npm|jsr):/i.test(source)) return specifiersOf(transpileTypeScript(source, file));
  try {
    return specifiersOf(source);
  } catch {
    // Type syntax the lexer cannot skip: strip the types and lex again.
    return specifiersOf(transpileTypeScript(source, file));
  }
}

export async function scanPackageImports(entryUrl: string, importMap?: ImportMap): Promise<ScanResult> {
  const result: ScanResult = { imports: [], skipped: [] };
  if (!entryUrl.startsWith('file:')) return result;
  await init;
  const seen = new Set<string>();
  const queue = [fileURLToPath(entryUrl)];
  while (queue.length && seen.size < MAX_FILES) {
    const file = queue.shift()!;
    if (seen.has(file)) continue;
    seen.add(file);
    if (SKIPPED_EXTENSIONS.has(extname(file))) continue;
    const source = await readFile(file, 'utf8');
    // Cheap exit: a file without import/export statements has nothing to follow.
    if (!/\b(import|export)\b/.test(source)) continue;
    let specifiers: Array<string | undefined>;
    try {
      specifiers = lex(source, file);
    } catch (error) {
      result.skipped.push({ file, reason: (error as Error).message });
      continue;
    }
    for (const written of specifiers) {
      if (!written || isProvidedByRuntime(written)) continue;
      const specifier = resolveImportMap(importMap, written, pathToFileURL(file).href) ?? written;
      if (isProvidedByRuntime(specifier)) continue;
      if (isPackageSpecifier(specifier)) {
        result.imports.push({ specifier, file });
        continue;
      }
      const target = await localTarget(specifier, file);
      if (target && !seen.has(target)) queue.push(target);
    }
  }
  return result;
}
