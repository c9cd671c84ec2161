/**
 * fetch, WebSocket and EventSource check their URL against `net` before they start, for
 * a clear error (the socket-level gate in net.ts would stop them anyway).
 *
 * On Node ≥ 22 these globals are V8 lazy data properties: even reading their descriptor
 * loads undici, http, tls and http2 (about 17 ms). So the wrappers are put in place once
 * per thread, at boot where possible (workers/bootstrap.ts: a warm spare has paid it
 * already), and the plugin's URL check is plugged in when its sandbox is entered.
 * Until then every URL is refused: no plugin code runs before that anyway.
 */
import { PromiseReject, ReflectApply, ReflectConstruct, SafeProxy } from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;
type UrlCheck = (input: unknown) => void;

const refuseAll: UrlCheck = () => {
  throw new Error('paddock: the network gate is not set up in this thread yet');
};

let check: UrlCheck = refuseAll;
let wrapped = false;

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
    const original = globals[key];
    if (typeof original !== 'function') continue;
    globals[key] = new SafeProxy(original, {
      construct(cls, args, newTarget) {
        check(args[0]);
        return ReflectConstruct(cls, args, newTarget);
      },
    });
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
