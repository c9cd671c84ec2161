/**
 * `npm:` and `jsr:` specifiers, parsed once with zod into the parts the installer needs.
 *
 *   npm:left-pad                     → left-pad@latest
 *   npm:@scope/name@^1.2/sub/path    → @scope/name@^1.2, subpath "sub/path"
 *   jsr:@scope/name@1                → @jsr/scope__name@1 (JSR's npm compatibility layer)
 *
 * Deno's forms are accepted as they are written in Deno code, including the optional
 * slash after the scheme (`jsr:/@scope/name`).
 */
import semver from 'semver';
import { z } from 'zod';
import { paddockError } from '../../sdk/errors.js';

export type PackageScheme = 'npm' | 'jsr';

export interface PackageSpecifier {
  /** The specifier as written. */
  raw: string;
  scheme: PackageScheme;
  /** The name as written after the scheme (`@scope/name`). */
  name: string;
  /** The version range or dist-tag as written; undefined when none was given (latest). */
  range: string | undefined;
  /** Path inside the package (`sub/path`), if any. */
  subpath: string | undefined;
  /** Name of the npm package to install (`@jsr/scope__name` for jsr:). */
  packageName: string;
  /** What the lockfile records this specifier under: scheme, name and range, no subpath. */
  key: string;
  /** `name@range` for pacote. */
  npmSpec: string;
}

// npm's rules for new package names: lower case, URL-safe, at most 214 characters.
const NPM_NAME = /^(?:@[a-z0-9~-][a-z0-9._~-]*\/)?[a-z0-9~-][a-z0-9._~-]*$/;
// JSR names are always scoped; scope and name use lower-case letters, digits and "-".
const JSR_NAME = /^@[a-z0-9][a-z0-9-]*\/[a-z0-9][a-z0-9-]*$/;
const DIST_TAG = /^[a-z][a-z0-9._-]*$/i;

interface RawParts {
  scheme: PackageScheme;
  name: string;
  range: string | undefined;
  subpath: string | undefined;
}

function split(raw: string, ctx: z.RefinementCtx): RawParts | undefined {
  const match = /^(npm|jsr):\/?(.*)$/i.exec(raw);
  if (!match) {
    ctx.addIssue({ code: 'custom', message: 'expected "npm:" or "jsr:" followed by a package name' });
    return undefined;
  }
  const scheme = match[1]!.toLowerCase() as PackageScheme;
  const rest = match[2]!;
  if (!rest) {
    ctx.addIssue({ code: 'custom', message: 'the package name is missing' });
    return undefined;
  }
  // The name ends at the first "@" (after a scope) or "/" (after a scope's slash).
  let nameEnd: number;
  if (rest.startsWith('@')) {
    const slash = rest.indexOf('/');
    if (slash < 0) {
      ctx.addIssue({ code: 'custom', message: `scoped name ${JSON.stringify(rest)} needs a "/" between scope and name (@scope/name)` });
      return undefined;
    }
    const after = rest.slice(slash + 1).search(/[@/]/);
    nameEnd = after < 0 ? rest.length : slash + 1 + after;
  } else {
    const at = rest.search(/[@/]/);
    nameEnd = at < 0 ? rest.length : at;
  }
  const name = rest.slice(0, nameEnd);
  let tail = rest.slice(nameEnd);
  let range: string | undefined;
  if (tail.startsWith('@')) {
    const slash = tail.indexOf('/');
    range = slash < 0 ? tail.slice(1) : tail.slice(1, slash);
    tail = slash < 0 ? '' : tail.slice(slash);
    if (!range) ctx.addIssue({ code: 'custom', message: 'nothing follows the "@" (expected a version, range or tag)' });
  }
  const subpath = tail.startsWith('/') ? tail.slice(1) : undefined;
  return { scheme, name, range, subpath };
}

function checkParts(parts: RawParts, ctx: z.RefinementCtx): void {
  const { scheme, name, range, subpath } = parts;
  if (scheme === 'jsr' && !JSR_NAME.test(name)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} is not a JSR package name (expected @scope/name in lower-case letters, digits and "-")` });
  } else if (scheme === 'npm' && (!NPM_NAME.test(name) || name.length > 214)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(name)} is not a valid npm package name (lower case, URL-safe characters, at most 214)` });
  }
  if (range && semver.validRange(range) === null && !DIST_TAG.test(range)) {
    ctx.addIssue({ code: 'custom', message: `${JSON.stringify(range)} is neither a semver version or range nor a dist-tag` });
  }
  if (subpath !== undefined) {
    const segments = subpath.split('/');
    if (subpath === '' || segments.some((s) => s === '' || s === '.' || s === '..') || /[\\?#]/.test(subpath)) {
      ctx.addIssue({ code: 'custom', message: `subpath ${JSON.stringify(subpath)} must be a relative path without empty, "." or ".." segments` });
    }
  }
}

/** `@scope/name` on JSR is `@jsr/scope__name` on JSR's npm registry. */
export function jsrToNpmName(name: string): string {
  const [scope, bare] = name.slice(1).split('/');
  return `@jsr/${scope}__${bare}`;
}

/** The reverse of jsrToNpmName, or undefined for a name outside the @jsr scope. */
export function npmToJsrName(name: string): string | undefined {
  const match = /^@jsr\/([a-z0-9-]+)__([a-z0-9-]+)$/.exec(name);
  return match ? `@${match[1]}/${match[2]}` : undefined;
}

export const packageSpecifierSchema = z.string().transform((raw, ctx): PackageSpecifier => {
  const parts = split(raw.trim(), ctx);
  if (!parts) return z.NEVER;
  checkParts(parts, ctx);
  const { scheme, name, range, subpath } = parts;
  const packageName = scheme === 'jsr' ? jsrToNpmName(name) : name;
  return {
    raw,
    scheme,
    name,
    range,
    subpath,
    packageName,
    key: `${scheme}:${name}${range ? `@${range}` : ''}`,
    npmSpec: `${packageName}@${range ?? 'latest'}`,
  };
});

/** True for strings that use one of the package schemes (whether well-formed or not). */
export function isPackageSpecifier(value: string): boolean {
  return /^(npm|jsr):/i.test(value);
}

/** Parse or throw PADDOCK_ERR_SPECIFIER_INVALID naming the specifier and every problem. */
export function parseSpecifier(raw: string): PackageSpecifier {
  const parsed = packageSpecifierSchema.safeParse(raw);
  if (!parsed.success) {
    throw paddockError('PADDOCK_ERR_SPECIFIER_INVALID', { specifier: raw, reason: parsed.error.issues.map((i) => i.message).join('; ') });
  }
  return parsed.data;
}
