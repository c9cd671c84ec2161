/**
 * The module resolver's own ways of looking at the disk: `Module._stat`,
 * `Module._findPath` (every CommonJS search: node_modules folders, `require.resolve(x,
 * { paths })`), `Module._readPackage` and `module.findPackageJSON`.
 * Each tells an existing file from a missing one, and the resolver reads package.json
 * files through Node's internals, past the fs gate. Here they answer as if what the
 * plugin may not read did not exist (or, where the question names a place up front,
 * refuse before Node looks): a resolution never says more than `fs.existsSync` would.
 */
import * as nodeModule from 'node:module';
import { Patcher, type GateContext } from './context.js';
import type { Policy } from '../../sdk/kernel/policy.js';
import { absolutePath, hrefToPath, pathArgument, realPath } from '../../sdk/kernel/paths.js';
import {
  ArrayIsArray,
  ArrayPrototypePush,
  ObjectGetOwnPropertyDescriptor,
  ObjectKeys,
  pathDirname,
  URLPrototypeGetHref,
  pathResolve,
  ReflectApply,
  StringPrototypeIndexOf,
  StringPrototypeSlice,
  StringPrototypeStartsWith,
} from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;


const isBuiltin = nodeModule.isBuiltin;

/** May the plugin read `path` (absolute, or relative to the working folder)? */
function readable(policy: Policy, path: string): boolean {
  return policy.mayReadReal(realPath(absolutePath(path), true));
}

/** What a search for `request` would look at in folder `dir`: the path, or the package's folder. */
function lookedAt(dir: string, request: string): string {
  if (StringPrototypeStartsWith(request, '.')) return pathResolve(dir, request);
  const slash = StringPrototypeIndexOf(request, '/');
  const second = slash === -1 ? -1 : StringPrototypeIndexOf(request, '/', slash + 1);
  // "@scope/name/sub" → "@scope/name"; "name/sub" → "name".
  const end = StringPrototypeStartsWith(request, '@') ? second : slash;
  return pathResolve(dir, end === -1 ? request : StringPrototypeSlice(request, 0, end));
}

/** The folders of `dirs` where the plugin may read what `request` names (a copy). */
function searchableDirs(policy: Policy, dirs: unknown[], request: string): string[] {
  const kept: string[] = [];
  for (let i = 0; i < dirs.length; i++) {
    const dir = dirs[i];
    if (typeof dir === 'string' && readable(policy, lookedAt(dir, request))) ArrayPrototypePush(kept, dir);
  }
  return kept;
}

/** Node's own error for a module it cannot find, so a hidden file looks missing. */
export function moduleNotFound(request: string, code = 'MODULE_NOT_FOUND'): Error {
  const error = new Error(`Cannot find module '${request}'`) as Error & { code: string };
  error.code = code;
  return error;
}

/** A function-valued property, data or accessor, replaced by `wrap(original)`. */
function replaceFunction(patch: Patcher, target: Record<string, unknown>, key: string, wrap: (original: AnyFunction) => AnyFunction): void {
  const descriptor = ObjectGetOwnPropertyDescriptor(target, key);
  if (!descriptor) return;
  if ('value' in descriptor) {
    if (typeof descriptor.value === 'function') patch.set(target, key, wrap(descriptor.value as AnyFunction));
    return;
  }
  // Node ≥ 20.? makes these deprecated accessors: the plugin sees the gated function;
  // one it sets for itself is gated too.
  const get = descriptor.get;
  if (!get) return;
  let current = ReflectApply(get, target, []) as unknown;
  if (typeof current !== 'function') return;
  let gated = wrap(current as AnyFunction);
  patch.accessor(target, key, () => gated, (value) => {
    current = value;
    gated = typeof current === 'function' ? wrap(current as AnyFunction) : (current as AnyFunction);
  });
}

export function gateResolutionOracles(ctx: GateContext, patch: Patcher): void {
  const { policy } = ctx;
  const Module = nodeModule.Module as unknown as Record<string, unknown>;

  // 0 file, 1 folder, negative: missing. What the plugin may not read is missing.
  replaceFunction(patch, Module, '_stat', (original) => function (this: unknown, ...args: unknown[]) {
    const path = pathArgument(args[0]);
    if (path !== undefined && !readable(policy, path)) return -2;
    return ReflectApply(original, this, args);
  });

  // A file found where the plugin may not read is not found; the cache forgets it too.
  replaceFunction(patch, Module, '_findPath', (original) => function (this: unknown, ...args: unknown[]) {
    // Folders are searched only where the plugin may read what the request names there
    // (dir/request, or dir/package for a bare name): Node would stat, realpath and read
    // package.json files there past the fs gate.
    if (ArrayIsArray(args[1]) && typeof args[0] === 'string') args[1] = searchableDirs(policy, args[1] as unknown[], args[0]);
    if (typeof args[0] === 'string' && StringPrototypeStartsWith(args[0], '/') && !readable(policy, args[0])) return false;
    const found = ReflectApply(original, this, args);
    if (typeof found !== 'string' || readable(policy, found)) return found;
    const cache = Module._pathCache as Record<string, unknown> | undefined;
    if (cache) {
      const keys = ObjectKeys(cache);
      for (let i = 0; i < keys.length; i++) if (cache[keys[i]!] === found) delete cache[keys[i]!];
    }
    return false;
  });

  // require.resolve(x, { paths }) searches through _findPath above; whatever any
  // resolution lands on (a package's exports included) must be readable too.
  replaceFunction(patch, Module, '_resolveFilename', (original) => function (this: unknown, ...args: unknown[]) {
    const request = args[0];
    const filename = ReflectApply(original, this, args);
    if (typeof filename === 'string' && StringPrototypeStartsWith(filename, '/') && !(typeof request === 'string' && isBuiltin(request))
      && !readable(policy, filename)) {
      throw moduleNotFound(typeof request === 'string' ? request : String(filename));
    }
    return filename;
  });

  // _readPackage(folder) parses folder/package.json past the fs gate: it needs read.
  replaceFunction(patch, Module, '_readPackage', (original) => function (this: unknown, ...args: unknown[]) {
    const folder = pathArgument(args[0]);
    if (folder !== undefined) policy.path(pathResolve(absolutePath(folder), 'package.json'), { read: true });
    return ReflectApply(original, this, args);
  });

  // findPackageJSON(specifier, base): a place named up front must be readable; the
  // package.json found must be too, or there is none.
  replaceFunction(patch, Module, 'findPackageJSON', (original) => function (this: unknown, ...args: unknown[]) {
    const start = startOf(args[0], args[1]);
    if (start !== undefined) policy.path(start, { read: true });
    const found = ReflectApply(original, this, args);
    if (typeof found !== 'string' || readable(policy, found)) return found;
    // A place's package.json out of reach: none up the tree. A package out of reach: not found.
    if (start !== undefined) return undefined;
    const error = new Error(`Cannot find package '${String(hrefOf(args[0]))}'`) as Error & { code: string };
    error.code = 'ERR_MODULE_NOT_FOUND';
    throw error;
  });
}

/** The place a findPackageJSON question names (a path or file: URL, or one relative to base). */
function hrefOf(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  try {
    return URLPrototypeGetHref(value as URL);
  } catch {
    return undefined;
  }
}

function startOf(specifier: unknown, base: unknown): string | undefined {
  const text = hrefOf(specifier);
  if (typeof text !== 'string') return undefined;
  if (StringPrototypeStartsWith(text, 'file:')) return hrefToPath(text);
  if (StringPrototypeStartsWith(text, '/')) return text;
  if (StringPrototypeStartsWith(text, './') || StringPrototypeStartsWith(text, '../')) {
    const from = hrefOf(base);
    if (typeof from !== 'string') return undefined;
    const dir = pathDirname(StringPrototypeStartsWith(from, 'file:') ? hrefToPath(from) : from);
    return pathResolve(dir, text);
  }
  return undefined;
}
