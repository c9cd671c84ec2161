/**
 * The module loader's side of the permissions: a plugin loads modules only from
 * places it may read (its code folder, its data folder, the SDK, what read/import
 * grant), builtins only as builtins.ts allows, and other URL schemes (http:, …) only
 * with `import: true`. Paths are checked before Node resolves them, so a refusal
 * says nothing about whether the file exists.
 *
 * Called by hooks.ts in both hook modes: in the worker's own thread (Node ≥ 22.15,
 * where `require` goes through the hooks too) and in Node 20's loader thread, which
 * receives the plugin's sandbox over a port (install.ts / off-thread-hooks.ts).
 */
import * as nodeModule from 'node:module';
import { checkBuiltin } from '../gates/builtins.js';
import type { Policy } from '../../sdk/kernel/policy.js';
import { absolutePath, hrefToPath, realPath } from '../../sdk/kernel/paths.js';
import {
  pathToFileURL,
  pathDirname,
  processCwd,
  realpathSync,
  RegExpPrototypeExec,
  StringPrototypeIndexOf,
  SafeURL,
  StringPrototypeSlice,
  StringPrototypeStartsWith,
  URLPrototypeGetHref,
} from '../../sdk/kernel/primordials.js';

const isBuiltin = nodeModule.isBuiltin;

let policy: Policy | undefined;

/** Turn the checks on (once per thread); until then, only the runtime's own modules load. */
export function activateModulePolicy(active: Policy): void {
  if (policy) throw new Error('paddock: the module policy is already active in this thread');
  policy = active;
}

const FILE_SCHEME = /^file:/i;
const URL_SCHEME = /^[a-zA-Z][a-zA-Z0-9+.-]*:/;

function isPathSpecifier(specifier: string): boolean {
  return StringPrototypeStartsWith(specifier, './') || StringPrototypeStartsWith(specifier, '../')
    || StringPrototypeStartsWith(specifier, '/') || specifier === '.' || specifier === '..';
}

/** `url` parsed by us; only the original href getter and string operations are used. */
function checkUrl(active: Policy, url: URL): void {
  const href = URLPrototypeGetHref(url);
  if (StringPrototypeStartsWith(href, 'file:')) {
    const abs = absolutePath(hrefToPath(href));
    if (!active.mayReadReal(realPath(abs, true))) {
      active.deny('import', abs, 'permissions.read or permissions.import', 'read access');
    }
    return;
  }
  if (StringPrototypeStartsWith(href, 'node:')) {
    checkBuiltin(active, StringPrototypeSlice(href, 5));
    return;
  }
  // data: is code the plugin already holds, like eval; what it imports is checked in turn.
  if (StringPrototypeStartsWith(href, 'data:')) return;
  if (!active.all('import')) active.deny('import', href, 'permissions.import: true');
}

/** Before resolution: builtins, and paths or URLs that name their target. */
export function checkModuleResolve(specifier: string, parentURL: string | undefined): void {
  const active = policy;
  if (!active || typeof specifier !== 'string') return;
  if (StringPrototypeStartsWith(specifier, 'node:') || isBuiltin(specifier)) {
    checkBuiltin(active, specifier);
    return;
  }
  // Paths and file: URLs name their target: refuse before Node looks at the disk. Other
  // schemes (npm:, jsr: …) may be mapped by other hooks; their result is checked at load.
  if (isPathSpecifier(specifier) || RegExpPrototypeExec(FILE_SCHEME, specifier) !== null) {
    const base = parentURL ?? URLPrototypeGetHref(pathToFileURL(`${processCwd()}/`));
    let url: URL;
    try {
      url = new SafeURL(specifier, base);
    } catch {
      return; // not a URL Node can resolve either: its own error is clearer
    }
    checkUrl(active, url);
  }
  // Bare package names (and other schemes) are checked when their resolved URL is loaded.
}

/**
 * Before Node searches node_modules folders for a bare name: the package folder it will
 * use (the first `node_modules/<name>` that exists, walking up from the importing module)
 * must lie where the plugin may read. Node reads that folder's package.json while it
 * resolves (its exports, imports and main shape the answer and the errors), so a folder
 * out of reach, a symlink the plugin's own folder carries, reads as missing before Node
 * looks inside it.
 */
export function checkBarePackage(specifier: string, parentURL: string | undefined, required = false): void {
  const active = policy;
  if (!active || typeof specifier !== 'string' || specifier.length === 0) return;
  if (isPathSpecifier(specifier) || StringPrototypeStartsWith(specifier, '#') || isBuiltin(specifier)
    || RegExpPrototypeExec(URL_SCHEME, specifier) !== null) return;
  if (typeof parentURL !== 'string' || !StringPrototypeStartsWith(parentURL, 'file:')) return;
  const slash = StringPrototypeIndexOf(specifier, '/');
  const name = StringPrototypeStartsWith(specifier, '@') && slash > 0
    ? StringPrototypeSlice(specifier, 0, nextSlash(specifier, slash + 1))
    : StringPrototypeSlice(specifier, 0, slash < 0 ? specifier.length : slash);
  let dir = pathDirname(absolutePath(hrefToPath(parentURL)));
  for (;;) {
    let real: string | undefined;
    try {
      real = realpathSync(`${dir === '/' ? '' : dir}/node_modules/${name}`);
    } catch {
      real = undefined; // not there: Node looks one folder up
    }
    if (real !== undefined) {
      if (!active.mayReadReal(real)) {
        // What Node itself says of a package that is not there, for require or for import.
        const error = new Error(required ? `Cannot find module '${specifier}'` : `Cannot find package '${specifier}'`) as Error & { code: string };
        error.code = required ? 'MODULE_NOT_FOUND' : 'ERR_MODULE_NOT_FOUND';
        throw error;
      }
      return;
    }
    const up = pathDirname(dir);
    if (up === dir) return;
    dir = up;
  }
}

function nextSlash(text: string, from: number): number {
  const at = StringPrototypeIndexOf(text, '/', from);
  return at < 0 ? text.length : at;
}

/**
 * After resolution: a bare name resolved by searching node_modules folders (or a
 * package's imports and exports) must land where the plugin may read, or it was not
 * found: `import.meta.resolve` and a failed import must not tell a hidden package
 * from a missing one.
 */
export function checkModuleResolved(specifier: string, url: unknown): void {
  const active = policy;
  if (!active || typeof url !== 'string' || !StringPrototypeStartsWith(url, 'file:')) return;
  if (active.mayReadReal(realPath(absolutePath(hrefToPath(url)), true))) return;
  const error = new Error(`Cannot find package '${specifier}'`) as Error & { code: string };
  error.code = 'ERR_MODULE_NOT_FOUND';
  throw error;
}

/** Before loading: whatever the resolution produced. */
export function checkModuleLoad(url: string): void {
  const active = policy;
  if (!active) return;
  let parsed: URL;
  try {
    parsed = new SafeURL(url);
  } catch {
    return;
  }
  checkUrl(active, parsed);
}
