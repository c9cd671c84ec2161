/** What the four kinds that take paths (read, write, ffi, import) share. */
import { isAbsolute, resolve } from 'node:path';
import { isWithin, realPath } from '../paths.js';

/** Absolute, `..` resolved, links followed: the path a check compares. */
export function normalisePath(entry: string, baseDir: string): string {
  return realPath(isAbsolute(entry) ? resolve(entry) : resolve(baseDir, entry), true);
}

/** A folder covers everything inside it. */
export function pathCovers(inner: string, outer: string): boolean {
  return inner === outer || isWithin(inner, outer);
}
