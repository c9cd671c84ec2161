/**
 * fetch, WebSocket and EventSource check their URL against `net` before they start, for
 * a clear error (the socket-level gate in net.ts would stop them anyway).
 *
 * The wrappers are put in place once per thread, at boot (workers/bootstrap.ts), and the
 * plugin's URL check is plugged in when its sandbox is entered. Until then every URL is
 * refused: no plugin code runs before that anyway.
 *
 * On Node ≥ 22, WebSocket is a V8 lazy data property: reading it, or even its descriptor,
 * loads undici, http, tls, http2 and zlib (30–60 ms in a fresh thread). A plugin that never
 * touches it must not pay that, so where Node offers the same class through a getter of
 * its own (`http.WebSocket`, Node ≥ 22) the global becomes our accessor: the first read
 * calls that getter (taken at boot, before any plugin code, and kept in this closure),
 * wraps the class as it always was, and turns the global into the plain data property
 * it is today (writable, not enumerable, configurable). A write before that does what a
 * write to the data property does. fetch is a plain function on every line (it loads
 * undici on its first call), so it is wrapped at once; EventSource (behind a flag) too.
 */
import {
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  ObjectHasOwn,
  PromiseReject,
  ReflectApply,
  ReflectConstruct,
  SafeProxy,
} from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;
type UrlCheck = (input: unknown) => void;

const refuseAll: UrlCheck = () => {
  throw new Error('paddock: the network gate is not set up in this thread yet');
};

let check: UrlCheck = refuseAll;
let wrapped = false;

const ReflectDeleteProperty = Reflect.deleteProperty;

/** The class plugin code sees: its URL is checked at construction. */
function wrapClass(original: AnyFunction): unknown {
  return new SafeProxy(original, {
    construct(cls, args, newTarget) {
      check(args[0]);
      return ReflectConstruct(cls, args, newTarget);
    },
  });
}

/**
 * Node's own getter for `key` on its http module (Node ≥ 22 has WebSocket there, the very
 * class of the global), or undefined. Taken at boot, before plugin code could redefine it.
 */
function nodeGetter(key: string): AnyFunction | undefined {
  const getBuiltinModule = (process as unknown as { getBuiltinModule?: (id: string) => object | undefined }).getBuiltinModule;
  if (typeof getBuiltinModule !== 'function') return undefined;
  const http = ReflectApply(getBuiltinModule, process, ['node:http']) as object | undefined;
  const get = http === undefined ? undefined : ObjectGetOwnPropertyDescriptor(http, key)?.get;
  return typeof get === 'function' ? (): unknown => ReflectApply(get, http, []) : undefined;
}

/** `key` as the plain data property Node makes it, holding `value`. */
function defineData(key: string, value: unknown): void {
  ObjectDefineProperty(globalThis, key, { value, writable: true, enumerable: false, configurable: true });
}

/** The global `key` wrapped on its first read: Node's class is only loaded then. */
function wrapOnFirstRead(key: string, original: AnyFunction): void {
  // Deleting first: defining over V8's lazy property would load it (and undici with it).
  ReflectDeleteProperty(globalThis, key);
  let read = false;
  let wrappedValue: unknown;
  const get = function (): unknown {
    if (!read) {
      const value = original();
      wrappedValue = typeof value === 'function' ? wrapClass(value as AnyFunction) : value;
      read = true;
    }
    // Unless a write replaced it meanwhile (a getter kept and called later), the global
    // becomes the data property it is today.
    if (ObjectGetOwnPropertyDescriptor(globalThis, key)?.get === get) defineData(key, wrappedValue);
    return wrappedValue;
  };
  ObjectDefineProperty(globalThis, key, {
    configurable: true,
    enumerable: false,
    get,
    set(this: unknown, value: unknown) {
      if (this === globalThis) defineData(key, value);
      // An object inheriting from the global gets an own property, as with a data property.
      else if (this !== null && typeof this === 'object') ObjectDefineProperty(this, key, { value, writable: true, enumerable: true, configurable: true });
    },
  });
}

/** Replace the three globals by checked versions (idempotent). */
export function wrapWebGlobals(): void {
  if (wrapped) return;
  wrapped = true;
  const globals = globalThis as unknown as Record<string, unknown>;
  const fetch = globals.fetch;
  if (typeof fetch === 'function') {
    globals.fetch = function (this: unknown, ...args: unknown[]) {
      try {
        check(args[0]);
      } catch (error) {
        return PromiseReject(error);
      }
      return ReflectApply(fetch as AnyFunction, this, args);
    };
  }
  for (const key of ['WebSocket', 'EventSource']) {
    // Asking whether it is there does not load it; reading it would.
    if (!ObjectHasOwn(globals, key)) continue;
    const getter = nodeGetter(key);
    if (getter) {
      wrapOnFirstRead(key, getter);
      continue;
    }
    const original = globals[key];
    if (typeof original !== 'function') continue;
    globals[key] = wrapClass(original as AnyFunction);
  }
}

/** Plug in the plugin's URL check; returns the teardown (the gates are gone: no check). */
export function useUrlCheck(urlCheck: UrlCheck): () => void {
  wrapWebGlobals();
  check = urlCheck;
  return () => {
    check = () => {};
  };
}
