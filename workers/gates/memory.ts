/**
 * Gate for memory that V8 does not report as external, so that no reading of the
 * plugin's memory (its own, or the host's `worker.getHeapStatistics()`) would see it:
 * growable `SharedArrayBuffer`s, resizable `ArrayBuffer`s (before Node 26) and shared
 * WebAssembly memories can grow to gigabytes while `external_memory` stays flat.
 *
 * Each such buffer counts against the plugin's `maxExternalMemoryMb` at its *maximum*
 * (what it may grow to without asking anyone again) from the moment it is made until it
 * is collected (workers/external-memory.ts). Whether V8 counts resizable ArrayBuffers
 * is measured at boot on this Node line (a line that counts them is not charged twice).
 *
 * Where such memory is made: the two buffer constructors (with `maxByteLength`),
 * `ArrayBuffer#transfer` (a resizable buffer's copy is resizable), `WebAssembly.Memory`
 * with `shared: true`, and a WebAssembly module that declares its own shared memory
 * (read from the module's bytes when it is compiled here; a module compiled elsewhere,
 * whose bytes this thread never saw, is not instantiated).
 */
import { paddockError } from '../../sdk/errors.js';
import {
  ObjectGetOwnPropertyDescriptor,
  PromisePrototypeThen,
  ReflectApply,
  ReflectConstruct,
  SafeProxy,
} from '../../sdk/kernel/primordials.js';
import { reserveUncounted } from '../external-memory.js';
import { ownRecord } from './options.js';
import { Patcher, type GateContext, type Teardown } from './context.js';

type AnyFunction = (...args: unknown[]) => unknown;
type Constructor = new (...args: unknown[]) => object;

const memoryUsage = process.memoryUsage.bind(process);
const SafeWeakMap = WeakMap;
const WeakMapGet = WeakMap.prototype.get;
const WeakMapSet = WeakMap.prototype.set;
const WeakMapHas = WeakMap.prototype.has;
const ArrayBufferIsView = ArrayBuffer.isView;
const SafeUint8Array = Uint8Array;
const TypedArrayBuffer = ObjectGetOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'buffer')!.get!;
const TypedArrayByteOffset = ObjectGetOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'byteOffset')!.get!;
const TypedArrayByteLength = ObjectGetOwnPropertyDescriptor(Object.getPrototypeOf(Uint8Array.prototype), 'byteLength')!.get!;
const ArrayBufferResizable = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable')?.get;
const ArrayBufferMaxByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'maxByteLength')?.get;
const WASM_PAGE = 65_536;

/** The WebAssembly namespace (not in this project's TypeScript lib, which has no DOM). */
const WebAssembly = (globalThis as unknown as { WebAssembly: Record<string, AnyFunction & Constructor> }).WebAssembly;
type BufferConstructor = new (length: number, options?: { maxByteLength: number }) => { grow?(n: number): void; resize?(n: number): void };
const PROBE_BYTES = 1_048_576;

/**
 * Whether V8 counts a resizable ArrayBuffer's growth as external on this line (Node 26
 * does, Node 20 does not): measured on a probe that is shrunk back at once. Growable
 * SharedArrayBuffers and shared WebAssembly memories are uncounted on every line this
 * project tests, and are always charged (a line that starts counting them is charged
 * twice: too strict, never too lax).
 */
function resizableCounted(): boolean {
  const buffer = new (ArrayBuffer as unknown as BufferConstructor)(0, { maxByteLength: PROBE_BYTES });
  const before = memoryUsage().external;
  buffer.resize!(PROBE_BYTES);
  const after = memoryUsage().external;
  buffer.resize!(0);
  return after - before >= PROBE_BYTES / 2;
}

const COUNTED = { growableShared: false, resizable: resizableCounted(), sharedWasm: false };

/** `maxByteLength` of a buffer constructor's options, read once as an own field. */
function maxByteLength(options: unknown): number | undefined {
  if (typeof options !== 'object' || options === null) return undefined;
  const value = ownRecord(options).maxByteLength;
  return typeof value === 'number' && value > 0 ? value : undefined;
}

/** The bytes of a BufferSource, or undefined for anything else (a Response, a Module). */
function sourceBytes(source: unknown): Uint8Array | undefined {
  try {
    if (ArrayBufferIsView(source)) {
      return new SafeUint8Array(
        ReflectApply(TypedArrayBuffer, source, []) as ArrayBuffer,
        ReflectApply(TypedArrayByteOffset, source, []) as number,
        ReflectApply(TypedArrayByteLength, source, []) as number,
      );
    }
    return new SafeUint8Array(source as ArrayBuffer);
  } catch {
    return undefined; // a DataView or a detached buffer: WebAssembly refuses it itself
  }
}

/**
 * The largest size, in bytes, a module's own shared memories may grow to (its memory
 * section; imported memories are WebAssembly.Memory objects, gated on their own). A
 * module that cannot be read here is left to WebAssembly to refuse.
 */
export function sharedMemoryMaximum(bytes: Uint8Array): number {
  let at = 8;
  const u32 = (): number => {
    let result = 0;
    let shift = 0;
    for (;;) {
      if (at >= bytes.length) throw new RangeError('truncated');
      const byte = bytes[at++]!;
      result += (byte & 0x7f) * 2 ** shift;
      if ((byte & 0x80) === 0) return result;
      shift += 7;
    }
  };
  try {
    while (at < bytes.length) {
      const id = bytes[at++]!;
      const size = u32();
      const end = at + size;
      if (id !== 5) {
        at = end;
        continue;
      }
      let total = 0;
      const count = u32();
      for (let i = 0; i < count; i++) {
        const flags = bytes[at++]!;
        u32(); // minimum
        const maximum = (flags & 1) !== 0 ? u32() : 65_536;
        // Bit 1: shared. Bit 2 (memory64) counts pages the same way.
        if ((flags & 2) !== 0) total += maximum * WASM_PAGE;
      }
      return total;
    }
  } catch {
    return 0;
  }
  return 0;
}

export function gateMemory(ctx: GateContext): Teardown {
  const patch = new Patcher();
  const plugin = ctx.policy.plugin;

  // ── buffers ────────────────────────────────────────────────────────────────
  const gateBuffer = (global: 'SharedArrayBuffer' | 'ArrayBuffer', countedByV8: boolean): void => {
    const Real = globalThis[global] as unknown as Constructor;
    if (countedByV8) return;
    const gated = new SafeProxy(Real, {
      construct(cls, args, newTarget) {
        const max = maxByteLength(args[1]);
        // Node reads exactly the options judged here.
        if (args.length > 1) args[1] = max === undefined ? {} : { maxByteLength: max };
        const buffer = ReflectConstruct(cls, args, newTarget);
        if (max !== undefined) reserveUncounted(buffer, max);
        return buffer;
      },
    });
    patch.set(globalThis, global, gated);
    patch.set(Real.prototype, 'constructor', gated);
  };
  gateBuffer('SharedArrayBuffer', COUNTED.growableShared);
  gateBuffer('ArrayBuffer', COUNTED.resizable);
  const transfer = (ArrayBuffer.prototype as unknown as Record<string, AnyFunction>).transfer;
  if (!COUNTED.resizable && typeof transfer === 'function' && ArrayBufferResizable && ArrayBufferMaxByteLength) {
    patch.set(ArrayBuffer.prototype, 'transfer', function transferGated(this: ArrayBuffer, ...args: unknown[]) {
      const copy = ReflectApply(transfer, this, args) as ArrayBuffer;
      if (ReflectApply(ArrayBufferResizable, copy, []) === true) reserveUncounted(copy, ReflectApply(ArrayBufferMaxByteLength, copy, []) as number);
      return copy;
    });
  }

  // ── WebAssembly ────────────────────────────────────────────────────────────
  if (COUNTED.sharedWasm) return patch.teardown();
  const wasm = WebAssembly as unknown as Record<string, AnyFunction & Constructor>;
  const RealMemory = wasm.Memory!;
  const gatedMemory = new SafeProxy(RealMemory, {
    construct(cls, args, newTarget) {
      const descriptor = ownRecord(args[0]);
      args[0] = descriptor;
      const memory = ReflectConstruct(cls, args, newTarget);
      if (descriptor.shared === true) {
        const pages = typeof descriptor.maximum === 'number' ? descriptor.maximum : 65_536;
        reserveUncounted(memory, pages * WASM_PAGE);
      }
      return memory;
    },
  });
  patch.set(wasm, 'Memory', gatedMemory);
  patch.set(RealMemory.prototype, 'constructor', gatedMemory);

  /** Modules compiled in this thread, with what their own shared memories may reach. */
  const modules = new SafeWeakMap<object, number>();
  const compiled = (module: object, bytes: Uint8Array | undefined): object => {
    ReflectApply(WeakMapSet, modules, [module, bytes ? sharedMemoryMaximum(bytes) : 0]);
    return module;
  };
  /** What an instance of `module` adds; refuses a module whose bytes this thread never read. */
  const reservation = (module: object): number => {
    if (!ReflectApply(WeakMapHas, modules, [module])) {
      throw paddockError('PADDOCK_ERR_SANDBOX_UNSUPPORTED', {
        plugin,
        what: 'a WebAssembly module compiled in another thread',
        why: 'its memory could not be counted against limits.maxExternalMemoryMb; compile it in the thread that instantiates it',
      });
    }
    return ReflectApply(WeakMapGet, modules, [module]) as number;
  };
  const instantiated = (instance: object, module: object): object => {
    const bytes = reservation(module);
    if (bytes > 0) reserveUncounted(instance, bytes);
    return instance;
  };

  const RealModule = wasm.Module!;
  const gatedModule = new SafeProxy(RealModule, {
    construct(cls, args, newTarget) {
      const bytes = sourceBytes(args[0]);
      return compiled(ReflectConstruct(cls, args, newTarget), bytes);
    },
  });
  patch.set(wasm, 'Module', gatedModule);
  patch.set(RealModule.prototype, 'constructor', gatedModule);

  const RealInstance = wasm.Instance!;
  const gatedInstance = new SafeProxy(RealInstance, {
    construct(cls, args, newTarget) {
      const module = args[0] as object;
      reservation(module);
      return instantiated(ReflectConstruct(cls, args, newTarget), module);
    },
  });
  patch.set(wasm, 'Instance', gatedInstance);
  patch.set(RealInstance.prototype, 'constructor', gatedInstance);

  const compile = wasm.compile!;
  patch.set(wasm, 'compile', function compileGated(...args: unknown[]) {
    const bytes = sourceBytes(args[0]);
    return PromisePrototypeThen(ReflectApply(compile, WebAssembly, args) as Promise<object>, (module: object) => compiled(module, bytes));
  });
  const instantiate = wasm.instantiate!;
  patch.set(wasm, 'instantiate', function instantiateGated(...args: unknown[]) {
    const source = args[0];
    if (typeof source === 'object' && source !== null && ReflectApply(WeakMapHas, modules, [source])) {
      return PromisePrototypeThen(ReflectApply(instantiate, WebAssembly, args) as Promise<object>, (instance: object) => instantiated(instance, source));
    }
    if (source instanceof RealModule) reservation(source as object);
    const bytes = sourceBytes(source);
    return PromisePrototypeThen(ReflectApply(instantiate, WebAssembly, args) as Promise<{ module: object; instance: object }>, (result) => {
      compiled(result.module, bytes);
      instantiated(result.instance, result.module);
      return result;
    });
  });
  // The streaming forms: the bytes are read here first, so the module is scanned like any other.
  const bytesOf = async (source: unknown): Promise<ArrayBuffer> => {
    const response = await source as { arrayBuffer?: () => Promise<ArrayBuffer> } | null;
    if (typeof response?.arrayBuffer !== 'function') throw new TypeError('WebAssembly streaming needs a Response or a promise of one');
    return response.arrayBuffer();
  };
  const compileGated = wasm.compile!;
  const instantiateGated = wasm.instantiate!;
  if (typeof wasm.compileStreaming === 'function') {
    patch.set(wasm, 'compileStreaming', async function compileStreamingGated(source: unknown) {
      return ReflectApply(compileGated, WebAssembly, [await bytesOf(source)]);
    });
  }
  if (typeof wasm.instantiateStreaming === 'function') {
    patch.set(wasm, 'instantiateStreaming', async function instantiateStreamingGated(source: unknown, imports?: unknown) {
      return ReflectApply(instantiateGated, WebAssembly, [await bytesOf(source), imports]);
    });
  }
  return patch.teardown();
}
