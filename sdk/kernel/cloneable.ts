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
/**
 * How deep a value may be nested to cross between threads. Past ~1,500 levels the
 * receiving side's deserializer runs out of stack: the message is lost with a
 * `messageerror` on the receiver and the sender waits out its deadline. Refused here,
 * before sending, with the path and the method.
 */
export const MAX_CROSSING_DEPTH = 1_000;

/** True if `value` has objects nested more than `limit` levels below it (an iterative walk: no stack to run out of). */
function nestedDeeperThan(value: object, limit: number): boolean {
  const seen = new Set<object>();
  const stack: Array<[object, number]> = [[value, 0]];
  while (stack.length > 0) {
    const [object, depth] = stack.pop()!;
    if (depth > limit) return true;
    if (seen.has(object)) continue;
    seen.add(object);
    const children: Iterable<unknown> = object instanceof Map ? [...object.keys(), ...object.values()]
      : object instanceof Set ? object.values()
        : isTypedArray(object) || object instanceof ArrayBuffer ? []
          : Object.values(object);
    for (const child of children) if (typeof child === 'object' && child !== null) stack.push([child, depth + 1]);
  }
  return false;
}

function shortPath(path: string): string {
  return path.length > 80 ? `${path.slice(0, 80)}…` : path;
}

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
  if (seen.has(value)) return undefined;
  if (depth > MAX_DEPTH) {
    // Deep values are rare: only they pay for the depth walk.
    return nestedDeeperThan(value, MAX_CROSSING_DEPTH - depth)
      ? [shortPath(path), `nested more than ${MAX_CROSSING_DEPTH} levels deep`]
      : undefined;
  }
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
