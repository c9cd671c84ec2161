/**
 * Read a plugin folder's import map the way Deno does: `deno.json` or `deno.jsonc`
 * (`imports`, `scopes`), and `package.json` (`imports` with package targets,
 * `dependencies` and `devDependencies`). Every target is made absolute (file: URL, or
 * an npm:/jsr: specifier); sdk/kernel/import-map.ts resolves specifiers with it in the
 * host's scan and in the worker loader.
 *
 * Precedence: deno.json's entries, then package.json's `imports`, then its
 * dependencies (`"chalk": "^5"` maps `chalk` and `chalk/…` to `npm:chalk@^5`). A
 * dependency already present in the folder's node_modules is left to Node.
 * package.json `imports` with file targets (`"#lib": "./lib.js"`) are Node's own and
 * are left to it.
 */
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { z } from 'zod';
import { paddockError } from '../../sdk/errors.js';
import type { ImportMap } from '../../sdk/kernel/import-map.js';

const specifierMap = z.record(z.string(), z.string());

const denoJsonSchema = z.object({
  imports: specifierMap.optional(),
  scopes: z.record(z.string(), specifierMap).optional(),
}).loose();

// Node's conditional targets: the first string target for import/node/default.
type Conditional = string | null | { [condition: string]: Conditional } | Conditional[];
const conditional: z.ZodType<Conditional> = z.lazy(() => z.union([z.string(), z.null(), z.array(conditional), z.record(z.string(), conditional)]));

const packageJsonSchema = z.object({
  imports: z.record(z.string(), conditional).optional(),
  dependencies: specifierMap.optional(),
  devDependencies: specifierMap.optional(),
}).loose();

const PACKAGE_TARGET = /^(npm|jsr):/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;
// What npm accepts as a registry dependency: a range or a dist-tag (not file:, git, workspace: …).
const REGISTRY_RANGE = /^[\w^~<>=*.|\s-]*$/;

async function readJson(file: string, jsonc: boolean): Promise<unknown> {
  const text = await readFile(file, 'utf8');
  if (!jsonc) {
    try {
      return JSON.parse(text) as unknown;
    } catch (error) {
      throw paddockError('PADDOCK_ERR_CONFIG_INVALID', { source: file, problems: `  - ${(error as Error).message}` }, { cause: error });
    }
  }
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true }) as unknown;
  if (errors.length) {
    throw paddockError('PADDOCK_ERR_CONFIG_INVALID', { source: file, problems: errors.map((e) => `  - ${printParseErrorCode(e.error)} at offset ${e.offset}`).join('\n') });
  }
  return value;
}

function validate<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const parsed = schema.safeParse(value);
  if (parsed.success) return parsed.data;
  const problems = parsed.error.issues.map((i) => `  - ${i.path.map(String).join('.') || '(root)'}: ${i.message}`).join('\n');
  throw paddockError('PADDOCK_ERR_CONFIG_INVALID', { source: file, problems });
}

/** A target made absolute: relative paths against the file's folder, package specifiers as they are. */
function absolute(target: string, folderUrl: string): string {
  if (PACKAGE_TARGET.test(target) || HAS_SCHEME.test(target)) return target;
  if (target.startsWith('./') || target.startsWith('../') || target.startsWith('/')) return new URL(target, folderUrl).href;
  // A bare target (Deno allows "x": "y"): left bare, the next lookup maps it in turn.
  return target;
}

function firstString(target: Conditional): string | undefined {
  if (typeof target === 'string') return target;
  if (target === null) return undefined;
  if (Array.isArray(target)) {
    for (const t of target) {
      const found = firstString(t);
      if (found !== undefined) return found;
    }
    return undefined;
  }
  for (const condition of ['import', 'node', 'default']) {
    const found = target[condition] === undefined ? undefined : firstString(target[condition]!);
    if (found !== undefined) return found;
  }
  return undefined;
}

/** The import map of a plugin folder, or undefined when it has neither file (or nothing to map). */
export async function loadImportMap(folder: string): Promise<ImportMap | undefined> {
  const folderUrl = pathToFileURL(join(folder, '/')).href;
  const map: ImportMap = { imports: {}, scopes: {} };
  const denoFile = ['deno.json', 'deno.jsonc'].map((name) => join(folder, name)).find((file) => existsSync(file));
  if (denoFile) {
    const deno = validate(denoJsonSchema, await readJson(denoFile, true), denoFile);
    for (const [key, target] of Object.entries(deno.imports ?? {})) map.imports[key] = absolute(target, folderUrl);
    for (const [prefix, scoped] of Object.entries(deno.scopes ?? {})) {
      const scope = prefix.startsWith('./') || prefix.startsWith('../') || prefix.startsWith('/') ? new URL(prefix, folderUrl).href : prefix;
      map.scopes[scope] = Object.fromEntries(Object.entries(scoped).map(([key, target]) => [key, absolute(target, folderUrl)]));
    }
  }
  const packageFile = join(folder, 'package.json');
  if (existsSync(packageFile)) {
    const pkg = validate(packageJsonSchema, await readJson(packageFile, false), packageFile);
    const dependencies: Record<string, string> = {};
    for (const [name, range] of Object.entries({ ...pkg.devDependencies, ...pkg.dependencies })) {
      if (existsSync(join(folder, 'node_modules', name))) continue;
      if (PACKAGE_TARGET.test(range)) dependencies[name] = range;
      else if (REGISTRY_RANGE.test(range)) dependencies[name] = `npm:${name}@${range.trim() || 'latest'}`;
    }
    for (const [key, raw] of Object.entries(pkg.imports ?? {})) {
      const target = firstString(raw);
      if (target === undefined || key.includes('*') || map.imports[key] !== undefined) continue;
      if (PACKAGE_TARGET.test(target)) map.imports[key] = target;
      else if (!target.startsWith('.') && !HAS_SCHEME.test(target)) {
        // "#dep": "chalk" — Node would look in node_modules; a dependency maps it like Deno.
        const name = target.startsWith('@') ? target.split('/').slice(0, 2).join('/') : target.split('/')[0]!;
        const dependency = dependencies[name];
        if (dependency) map.imports[key] = `${dependency}${target.slice(name.length)}`;
      }
    }
    for (const [name, target] of Object.entries(dependencies)) if (map.imports[name] === undefined) map.imports[name] = target;
  }
  return Object.keys(map.imports).length || Object.keys(map.scopes).length ? map : undefined;
}
