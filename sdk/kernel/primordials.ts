/**
 * Intrinsics captured before any plugin code runs. Plugin code shares this realm and
 * may replace `String.prototype.startsWith`, `Array.prototype[Symbol.iterator]`,
 * `JSON`, `Reflect.apply` or `path.resolve`; a permission check that called those at
 * check time would ask the attacker for the answer. Every decision in workers/gates/
 * uses only the functions below (bound once, here), index loops instead of iterators,
 * and primitives it made itself (the same discipline as Node's own `primordials`).
 *
 * This module must be evaluated by the bootstrap before plugin code is imported.
 */
import * as nodeFs from 'node:fs';
import * as nodePath from 'node:path';
import * as nodeUrl from 'node:url';

const call = Function.prototype.call;
/** `fn` as a plain function taking `this` first, immune to later prototype changes. */
const uncurryThis = <A extends unknown[], R>(fn: (...args: A) => R): ((self: unknown, ...args: A) => R) =>
  call.bind(fn as never) as never;

export const ReflectApply = Reflect.apply;
export const ReflectConstruct = Reflect.construct;
export const ObjectFreeze = Object.freeze;
export const ObjectPreventExtensions = Object.preventExtensions;
export const ReflectOwnKeys = Reflect.ownKeys;
export const ObjectDefineProperty = Object.defineProperty;
export const ObjectGetOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
export const ObjectGetOwnPropertyNames = Object.getOwnPropertyNames;
export const ObjectGetPrototypeOf = Object.getPrototypeOf;
export const ObjectKeys = Object.keys;
export const ObjectHasOwn = Object.hasOwn;
export const ArrayIsArray = Array.isArray;
export const NumberIsInteger = Number.isInteger;
export const MathMax = Math.max;
export const SafeProxy = Proxy;
export const SafeURL = URL;
export const SafeWeakSet = WeakSet;
export const SafeSet = Set;
export const SafeMap = Map;

export const StringPrototypeStartsWith = uncurryThis(String.prototype.startsWith);
export const StringPrototypeEndsWith = uncurryThis(String.prototype.endsWith);
export const StringPrototypeSlice = uncurryThis(String.prototype.slice);
export const StringPrototypeIndexOf = uncurryThis(String.prototype.indexOf);
export const StringPrototypeLastIndexOf = uncurryThis(String.prototype.lastIndexOf);
export const StringPrototypeToLowerCase = uncurryThis(String.prototype.toLowerCase);
export const StringPrototypeIncludes = uncurryThis(String.prototype.includes);
// exec itself, not `test`: `test` looks `exec` up on the object, where a plugin may have replaced it.
export const RegExpPrototypeExec = uncurryThis(RegExp.prototype.exec);
export const ArrayPrototypePush = uncurryThis(Array.prototype.push);
export const SetPrototypeHas = uncurryThis(Set.prototype.has);
export const SetPrototypeAdd = uncurryThis(Set.prototype.add);
export const MapPrototypeGet = uncurryThis(Map.prototype.get);
export const MapPrototypeSet = uncurryThis(Map.prototype.set);
export const MapPrototypeHas = uncurryThis(Map.prototype.has);
export const MapPrototypeDelete = uncurryThis(Map.prototype.delete);
export const WeakSetPrototypeHas = uncurryThis(WeakSet.prototype.has);
export const WeakSetPrototypeAdd = uncurryThis(WeakSet.prototype.add);
export const PromisePrototypeThen = uncurryThis(Promise.prototype.then);
export const PromiseReject = Promise.reject.bind(Promise);
const TypedArrayToStringTag = uncurryThis(
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), Symbol.toStringTag)!.get! as () => string | undefined,
);
/** True for a real Uint8Array (a Buffer is one), whatever its prototype now says. */
export function isUint8Array(value: unknown): value is Uint8Array {
  return typeof value === 'object' && value !== null && TypedArrayToStringTag(value) === 'Uint8Array';
}
/** A typed array's length through the original getter. */
export const TypedArrayPrototypeGetLength = uncurryThis(
  Object.getOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'length')!.get! as () => number,
);
export const TextDecoderDecode = (() => {
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const decode = uncurryThis(TextDecoder.prototype.decode);
  return (bytes: Uint8Array): string => decode(decoder, bytes);
})();

/** A URL's href through the original getter (the prototype's getters can be replaced). */
export const URLPrototypeGetHref = uncurryThis(Object.getOwnPropertyDescriptor(URL.prototype, 'href')!.get! as () => string);
export const SafeDecodeURIComponent = decodeURIComponent;

export const pathResolve = nodePath.resolve;
export const pathDirname = nodePath.dirname;
export const pathBasename = nodePath.basename;
export const fileURLToPath = nodeUrl.fileURLToPath;
export const pathToFileURL = nodeUrl.pathToFileURL;
const realpathNative = nodeFs.realpathSync.native;
export const realpathSync = (path: string): string => realpathNative(path);
export const processCwd = process.cwd.bind(process);
export const processNextTick = process.nextTick.bind(process);
export const processPlatform = process.platform;
export const processPid = process.pid;
