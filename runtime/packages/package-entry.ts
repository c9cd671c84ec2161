/**
 * Which file of an installed package is the plugin: for `npm:pkg` the entry its
 * package.json names (`paddock` field, then `exports["."]`, then `main`, then Node's
 * default `index.js`); for `npm:pkg/sub/path` the `exports["./sub/path"]` target (or
 * pattern), or that file in the package when it has no `exports`.
 */
import { readFile, stat } from 'node:fs/promises';
import { isAbsolute, relative, resolve } from 'node:path';
import { paddockError } from '../../sdk/errors.js';
import { packageEntry, PLUGIN_EXTENSIONS } from '../resolve/resolve-url.js';
import type { PackageSpecifier } from './specifier.js';

const CONDITIONS = ['paddock', 'import', 'node', 'default'];

interface PackageJson {
  name?: unknown;
  version?: unknown;
  exports?: unknown;
  main?: unknown;
  paddock?: unknown;
}

function pickTarget(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (Array.isArray(value)) {
    for (const item of value) {
      const found = pickTarget(item);
      if (found) return found;
    }
    return undefined;
  }
  if (typeof value === 'object' && value !== null) {
    const conditions = value as Record<string, unknown>;
    for (const key of CONDITIONS) {
      const found = pickTarget(conditions[key]);
      if (found) return found;
    }
  }
  return undefined;
}

/** exports["./sub"], or the best "./prefix*suffix" pattern, like Node's resolver. */
function exportsTarget(exports: Record<string, unknown>, subpath: string): string | undefined {
  const key = `./${subpath}`;
  if (Object.hasOwn(exports, key)) return pickTarget(exports[key]);
  let best: { prefix: string; value: unknown; match: string } | undefined;
  for (const [pattern, value] of Object.entries(exports)) {
    const star = pattern.indexOf('*');
    if (star < 0) continue;
    const prefix = pattern.slice(0, star);
    const suffix = pattern.slice(star + 1);
    if (key.startsWith(prefix) && key.endsWith(suffix) && key.length >= pattern.length - 1 && (!best || prefix.length > best.prefix.length)) {
      best = { prefix, value, match: key.slice(prefix.length, key.length - suffix.length) };
    }
  }
  const target = best ? pickTarget(best.value) : undefined;
  return target && best ? target.replaceAll('*', best.match) : undefined;
}

async function isFile(path: string): Promise<boolean> {
  return (await stat(path).catch(() => undefined))?.isFile() === true;
}

/** Absolute path of the plugin module inside `packageDir`, or PADDOCK_ERR_PACKAGE_NO_ENTRY. */
export async function findPackageEntry(packageDir: string, spec: PackageSpecifier): Promise<{ file: string; pkg: PackageJson }> {
  const noEntry = (reason: string) => paddockError('PADDOCK_ERR_PACKAGE_NO_ENTRY', { specifier: spec.raw, package: spec.packageName, reason });
  let pkg: PackageJson;
  try {
    pkg = JSON.parse(await readFile(resolve(packageDir, 'package.json'), 'utf8')) as PackageJson;
  } catch (error) {
    throw noEntry(`its package.json cannot be read: ${(error as Error).message}`);
  }
  let target: string | undefined;
  let named: string;
  if (spec.subpath === undefined) {
    target = packageEntry(pkg);
    named = `its package.json names ${JSON.stringify(target)}`;
    if (!target && await isFile(resolve(packageDir, 'index.js'))) {
      target = 'index.js';
      named = 'index.js';
    }
    if (!target) throw noEntry('its package.json has no "paddock" field, no "exports" for ".", no "main", and there is no index.js');
  } else if (typeof pkg.exports === 'object' && pkg.exports !== null && Object.keys(pkg.exports).some((k) => k.startsWith('.'))) {
    target = exportsTarget(pkg.exports as Record<string, unknown>, spec.subpath);
    if (!target) throw noEntry(`its "exports" have no entry for "./${spec.subpath}"`);
    named = `its exports map "./${spec.subpath}" to ${JSON.stringify(target)}`;
  } else {
    const candidates = [spec.subpath, ...PLUGIN_EXTENSIONS.map((e) => `${spec.subpath}${e}`), ...PLUGIN_EXTENSIONS.map((e) => `${spec.subpath}/index${e}`)];
    for (const candidate of candidates) {
      if (await isFile(resolve(packageDir, candidate))) {
        target = candidate;
        break;
      }
    }
    if (!target) throw noEntry(`it has no file "${spec.subpath}" (tried ${spec.subpath}, with the extensions ${PLUGIN_EXTENSIONS.join(', ')}, and as a folder)`);
    named = `${JSON.stringify(target)}`;
  }
  const file = resolve(packageDir, target);
  const inside = relative(packageDir, file);
  if (inside.startsWith('..') || isAbsolute(inside)) throw noEntry(`${named}, which is outside the package`);
  if (!(await isFile(file))) throw noEntry(`${named}, which does not exist in the package`);
  return { file, pkg };
}
