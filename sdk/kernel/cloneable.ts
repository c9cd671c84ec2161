/**
 * Structured clone silently drops prototypes and throws a bare DataCloneError on
 * functions. This walk finds the first value that would not arrive intact and says
 * where it is, so the caller can name the method and the argument.
 */
import { paddockError } from '../errors.js';

const CLONEABLE_CLASSES: ReadonlySet<unknown> = new Set<unknown>([
  Object.prototype, Array.prototype, Date.prototype, RegExp.prototype, Map.prototype, Set.prototype,
  ArrayBuffer.prototype, DataView.prototype, Error.prototype, Boolean.prototype, Number.prototype,
  String.prototype, null,
]);

const TYPED_ARRAY_PROTO = Object.getPrototypeOf(Uint8Array.prototype) as object;
const MAX_DEPTH = 64;

function isTypedArray(value: object): boolean {
  return Object.getPrototypeOf(Object.getPrototypeOf(value)) === TYPED_ARRAY_PROTO;
}

function kindOf(value: unknown): string | undefined {
  if (typeof value === 'function') return 'a function';
  if (typeof value === 'symbol') return 'a symbol';
  return undefined;
}

/** Returns `[path, kind]` of the first uncloneable value, or undefined. */
export function findUncloneable(value: unknown, path = '', seen = new Set<object>(), depth = 0): [string, string] | undefined {
  const bad = kindOf(value);
  if (bad) return [path || 'the value', bad];
  if (typeof value !== 'object' || value === null) return undefined;
  if (seen.has(value) || depth > MAX_DEPTH) return undefined;
  seen.add(value);
  const proto = Object.getPrototypeOf(value) as object | null;
  if (!CLONEABLE_CLASSES.has(proto) && !isTypedArray(value) && !(value instanceof Error)) {
    if (typeof SharedArrayBuffer !== 'undefined' && value instanceof SharedArrayBuffer) return undefined;
    const name = (proto && (proto as { constructor?: { name?: string } }).constructor?.name) || 'unknown';
    return [path || 'the value', `an instance of class ${name}`];
  }
  if (value instanceof Map) {
    let i = 0;
    for (const [k, v] of value) {
      const found = findUncloneable(k, `${path}<key ${i}>`, seen, depth + 1) ?? findUncloneable(v, `${path}<value ${i}>`, seen, depth + 1);
      if (found) return found;
      i++;
    }
    return undefined;
  }
  if (value instanceof Set) {
    let i = 0;
    for (const v of value) {
      const found = findUncloneable(v, `${path}<item ${i++}>`, seen, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findUncloneable(value[i], `${path}[${i}]`, seen, depth + 1);
      if (found) return found;
    }
    return undefined;
  }
  if (isTypedArray(value) || value instanceof ArrayBuffer || value instanceof Date || value instanceof RegExp) return undefined;
  for (const key of Object.keys(value)) {
    const found = findUncloneable((value as Record<string, unknown>)[key], path ? `${path}.${key}` : key, seen, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** Throw PADDOCK_ERR_NOT_CLONEABLE naming `where` and the path inside the value. */
export function assertCloneable(value: unknown, where: string, plugin?: string): void {
  const found = findUncloneable(value);
  if (found) {
    throw paddockError('PADDOCK_ERR_NOT_CLONEABLE', { where, path: found[0], kind: found[1] }, plugin === undefined ? {} : { plugin });
  }
}

/** Same check over an argument list, naming the argument by position. */
export function assertArgumentsCloneable(args: readonly unknown[], where: string, plugin?: string): void {
  for (let i = 0; i < args.length; i++) {
    const found = findUncloneable(args[i], `argument ${i}`);
    if (found) {
      throw paddockError('PADDOCK_ERR_NOT_CLONEABLE', { where, path: found[0], kind: found[1] }, plugin === undefined ? {} : { plugin });
    }
  }
}
