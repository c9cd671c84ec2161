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
  patch.set(wasi, 'WASI', new SafeProxy(WASI, {
    construct(cls, args, newTarget) {
      const options = typeof args[0] === 'object' && args[0] !== null ? { ...(args[0] as Record<string, unknown>) } : args[0];
      if (typeof options === 'object' && options !== null) {
        const preopens = (options as { preopens?: unknown }).preopens;
        if (typeof preopens === 'object' && preopens !== null) {
          const checked: Record<string, string> = {};
          const source = { ...(preopens as Record<string, unknown>) };
          for (const guest of ObjectGetOwnPropertyNames(source)) {
            checked[guest] = policy.path(source[guest], { read: true, write: true });
          }
          (options as { preopens?: unknown }).preopens = checked;
        }
        args[0] = options;
      }
      return ReflectConstruct(cls, args, newTarget);
    },
  }));

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
