/**
 * Gate for the diagnostic and native corners that are not files or sockets by name:
 * V8 flags (process-wide; `--allow-natives-syntax` gives raw memory primitives →
 * ffi), heap snapshots written to disk (write), WASI preopens (each host folder
 * needs read and write), OpenSSL engines (a shared library → ffi). The inspector,
 * trace_events and sqlite are refused whole (builtins.ts).
 */
import crypto from 'node:crypto';
import v8 from 'node:v8';
import { createRequire } from 'node:module';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { ownList, ownRecord } from './options.js';
import { ObjectGetOwnPropertyNames, ReflectApply, ReflectConstruct, SafeProxy, StringPrototypeIncludes } from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;

const V8_SAFE = [
  'cachedDataVersionTag', 'getHeapSnapshot', 'getHeapStatistics', 'getHeapSpaceStatistics', 'getHeapCodeStatistics',
  'getCppHeapStatistics', 'Serializer', 'Deserializer', 'DefaultSerializer', 'DefaultDeserializer', 'deserialize',
  'serialize', 'takeCoverage', 'stopCoverage', 'promiseHooks', 'queryObjects', 'GCProfiler', 'isStringOneByteRepresentation',
  'startCpuProfile',
];

/** Load a builtin without its ExperimentalWarning (node:wasi on Node 20): the plugin did not ask for it. */
function loadQuietly(id: string): unknown {
  const emitWarning = process.emitWarning;
  process.emitWarning = ((warning: string | Error, ...rest: unknown[]) => {
    const type = typeof rest[0] === 'string' ? rest[0] : (rest[0] as { type?: string } | undefined)?.type;
    if (type === 'ExperimentalWarning' || (warning instanceof Error && warning.name === 'ExperimentalWarning')) return;
    ReflectApply(emitWarning, process, [warning, ...rest]);
  }) as typeof process.emitWarning;
  try {
    return createRequire(import.meta.url)(id);
  } finally {
    process.emitWarning = emitWarning;
  }
}

export function gateDiagnostics(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  /** The thread's /dev/null descriptor (see GateContext.devNull), for a WASI guest's unasked stdio. */
  const devNull = (): number => {
    const fd = ctx.devNull();
    if (fd < 0) policy.requireAll('ffi', 'WASI on this process\'s stdin, stdout and stderr');
    return fd;
  };
  const v8Target = v8 as unknown as Record<string, unknown>;
  for (const key of ObjectGetOwnPropertyNames(v8Target)) {
    const original = v8Target[key];
    if (typeof original !== 'function' || V8_SAFE.includes(key)) continue;
    patch.set(v8, key, function (this: unknown, ...args: unknown[]) {
      if (key === 'writeHeapSnapshot') {
        if (args[0] === undefined || args[0] === null) policy.requireAll('write', 'v8.writeHeapSnapshot into the working folder');
        else args[0] = policy.path(args[0], { write: true });
      } else if (key === 'setHeapSnapshotNearHeapLimit') {
        policy.requireAll('write', 'v8.setHeapSnapshotNearHeapLimit');
      } else {
        policy.requireAll('ffi', `v8.${key}`);
      }
      return ReflectApply(original as AnyFunction, this, args);
    });
  }

  const wasi = loadQuietly('node:wasi') as { WASI: new (...args: unknown[]) => unknown };
  const WASI = wasi.WASI;
  const gatedWasi = new SafeProxy(WASI, {
    construct(cls, args, newTarget) {
      if (typeof args[0] === 'object' && args[0] !== null) {
        // Own fields read once (options.ts): the preopens checked are the preopens used.
        const options = ownRecord(args[0]);
        const preopens = options.preopens;
        if (typeof preopens === 'object' && preopens !== null) {
          const checked = ownRecord(null);
          const source = ownRecord(preopens);
          for (const guest of ObjectGetOwnPropertyNames(source)) {
            checked[guest] = policy.path(source[guest], { read: true, write: true });
          }
          options.preopens = checked;
        }
        for (const key of ['args', 'env']) if (typeof options[key] === 'object' && options[key] !== null) options[key] = key === 'args' ? ownList(options[key]) : ownRecord(options[key]);
        args[0] = options;
      }
      // The guest's stdin/stdout/stderr are descriptors of this process (by default 0-2,
      // in a worker the host's own): only the plugin's own, or ffi: true.
      const options = (typeof args[0] === 'object' && args[0] !== null ? args[0] : ownRecord(null)) as Record<string, unknown>;
      const stdio = ['stdin', 'stdout', 'stderr'];
      for (let fd = 0; fd < stdio.length; fd++) {
        const key = stdio[fd]!;
        const given = options[key] === undefined ? fd : options[key];
        if (typeof given !== 'number' || ctx.fds.has(given) || (ctx.ownStdio && given <= 2) || policy.all('ffi')) continue;
        if (options[key] === undefined) {
          // Not asked for: give the guest nothing rather than the host's stdio.
          options[key] = devNull();
          continue;
        }
        policy.deny('ffi', `file descriptor ${given} (WASI ${key})`, 'permissions.ffi: true; the plugin did not open it');
      }
      args[0] = options;
      return ReflectConstruct(cls, args, newTarget);
    },
  });
  patch.set(wasi, 'WASI', gatedWasi);
  // The real class is otherwise one `prototype.constructor` away.
  patch.set(WASI.prototype as object, 'constructor', gatedWasi);

  const setEngine = (crypto as unknown as { setEngine?: AnyFunction }).setEngine;
  if (typeof setEngine === 'function') {
    patch.set(crypto, 'setEngine', function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'string' && StringPrototypeIncludes(args[0], '/')) args[0] = policy.ffiPath(args[0]);
      else policy.requireAll('ffi', `crypto.setEngine(${JSON.stringify(String(args[0]))})`);
      return ReflectApply(setEngine, this, args);
    });
  }
  return patch.teardown();
}
