/**
 * Gate for memory that V8 does not report as external, so that no reading of the
 * plugin's memory (its own, or the host's `worker.getHeapStatistics()`) would see it:
 * growable `SharedArrayBuffer`s, shared WebAssembly memories, and on some Node lines
 * resizable `ArrayBuffer`s (Node 20) and plain WebAssembly memories (Node 26) can grow
 * to gigabytes while `external_memory` stays flat.
 *
 * Each one made in this thread is tracked and counted at its current size whenever the
 * plugin's external memory is taken (workers/external-memory.ts), so it counts against
 * `maxExternalMemoryMb` like any Buffer. Whether this Node line counts resizable
 * ArrayBuffers and plain WebAssembly memories itself is measured at boot on a small
 * probe (such a line is not charged twice).
 *
 * Where such memory is made: the two buffer constructors (with `maxByteLength`),
 * `ArrayBuffer#transfer` (a resizable buffer's copy is resizable), `WebAssembly.Memory`,
 * and an instance of a WebAssembly module that defines its own memory: an exported memory
 * is tracked; one that is not exported is charged at the maximum the module's bytes
 * declare (read when it is compiled here), and refused without one. A module compiled
 * before the gates or in another thread has its exported memories tracked; a memory it
 * keeps to itself is not seen (the docs say so).
 */
import { paddockError } from '../../sdk/errors.js';
import {
  ObjectGetOwnPropertyDescriptor,
  ObjectKeys,
  PromisePrototypeThen,
  ReflectApply,
  ReflectConstruct,
  SafeProxy,
} from '../../sdk/kernel/primordials.js';
import { reserveUncounted, trackUncounted } from '../external-memory.js';
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
const WASM_PAGE = 65_536;

/** The WebAssembly namespace (not in this project's TypeScript lib, which has no DOM). */
const WebAssembly = (globalThis as unknown as { WebAssembly: Record<string, AnyFunction & Constructor> }).WebAssembly;
const InstanceExports = ObjectGetOwnPropertyDescriptor(WebAssembly.Instance.prototype, 'exports')!.get!;
type BufferConstructor = new (length: number, options?: { maxByteLength: number }) => { grow?(n: number): void; resize?(n: number): void };
const PROBE_BYTES = 1_048_576;

const SharedArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(SharedArrayBuffer.prototype, 'byteLength')!.get!;
const ArrayBufferByteLength = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'byteLength')!.get!;
const MemoryBuffer = ObjectGetOwnPropertyDescriptor(WebAssembly.Memory.prototype, 'buffer')!.get!;

/** The current size of a buffer of either kind. */
function bufferSize(buffer: object): number {
  try {
    return ReflectApply(SharedArrayBufferByteLength, buffer, []) as number;
  } catch {
    return ReflectApply(ArrayBufferByteLength, buffer, []) as number;
  }
}

/** The current size of a WebAssembly.Memory; throws for anything else (the brand check). */
function memorySize(memory: object): number {
  return bufferSize(ReflectApply(MemoryBuffer, memory, []) as object);
}

/** Whether growing a probe by 1 MB shows in V8's external count on this Node line. */
function countedByV8(grow: () => { resize?(n: number): void }): boolean {
  const before = memoryUsage().external;
  const probe = grow();
  const after = memoryUsage().external;
  probe.resize?.(0);
  return after - before >= PROBE_BYTES / 2;
}

const COUNTED = {
  // Node 26 counts these, Node 20 does not. The probe is shrunk back at once.
  resizable: countedByV8(() => {
    const buffer = new (ArrayBuffer as unknown as BufferConstructor)(0, { maxByteLength: PROBE_BYTES });
    buffer.resize!(PROBE_BYTES);
    return buffer;
  }),
  // Node 20 counts these, Node 26 does not (a 1 MB probe, left to the collector).
  wasm: countedByV8(() => {
    const memory = new WebAssembly.Memory({ initial: 0, maximum: PROBE_BYTES / WASM_PAGE }) as unknown as { grow(n: number): number };
    memory.grow(PROBE_BYTES / WASM_PAGE);
    return {};
  }),
};

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

/** A memory a module defines for itself (its memory section). */
export interface DefinedMemory {
  shared: boolean;
  /** Bytes it may grow to, when the module declares a maximum. */
  maximum: number | undefined;
}

/**
 * The memories a module defines (imported ones are WebAssembly.Memory objects, gated on
 * their own). A module that cannot be read here has none: WebAssembly refuses it itself.
 */
export function definedMemories(bytes: Uint8Array): DefinedMemory[] {
  const found: DefinedMemory[] = [];
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
      if (id !== 5) {
        at += size;
        continue;
      }
      const count = u32();
      for (let i = 0; i < count; i++) {
        // Bit 0: a maximum follows; bit 1: shared; bit 2: 64-bit (sizes in the same pages).
        const flags = bytes[at++]!;
        u32();
        const maximum = (flags & 1) !== 0 ? u32() * WASM_PAGE : undefined;
        found[found.length] = { shared: (flags & 2) !== 0, maximum };
      }
      return found;
    }
  } catch {
    return [];
  }
  return found;
}

export function gateMemory(ctx: GateContext): Teardown {
  const patch = new Patcher();
  const plugin = ctx.policy.plugin;

  // ── buffers ────────────────────────────────────────────────────────────────
  const gateBuffer = (global: 'SharedArrayBuffer' | 'ArrayBuffer'): void => {
    const Real = globalThis[global] as unknown as Constructor;
    const gated = new SafeProxy(Real, {
      construct(cls, args, newTarget) {
        const max = maxByteLength(args[1]);
        // Node reads exactly the options judged here.
        if (args.length > 1) args[1] = max === undefined ? {} : { maxByteLength: max };
        const buffer = ReflectConstruct(cls, args, newTarget);
        if (max !== undefined) trackUncounted(buffer, bufferSize);
        return buffer;
      },
    });
    patch.set(globalThis, global, gated);
    patch.set(Real.prototype, 'constructor', gated);
  };
  gateBuffer('SharedArrayBuffer');
  if (!COUNTED.resizable) gateBuffer('ArrayBuffer');
  const transfer = (ArrayBuffer.prototype as unknown as Record<string, AnyFunction>).transfer;
  if (!COUNTED.resizable && typeof transfer === 'function' && ArrayBufferResizable) {
    patch.set(ArrayBuffer.prototype, 'transfer', function transferGated(this: ArrayBuffer, ...args: unknown[]) {
      const copy = ReflectApply(transfer, this, args) as ArrayBuffer;
      if (ReflectApply(ArrayBufferResizable, copy, []) === true) trackUncounted(copy, bufferSize);
      return copy;
    });
  }

  // ── WebAssembly ────────────────────────────────────────────────────────────
  const wasm = WebAssembly as unknown as Record<string, AnyFunction & Constructor>;
  /** Whether V8 leaves this kind of memory out of its count on this line. */
  const uncounted = (shared: boolean) => shared || !COUNTED.wasm;
  const RealMemory = wasm.Memory!;
  const gatedMemory = new SafeProxy(RealMemory, {
    construct(cls, args, newTarget) {
      const descriptor = ownRecord(args[0]);
      args[0] = descriptor;
      const memory = ReflectConstruct(cls, args, newTarget);
      if (uncounted(descriptor.shared === true)) trackUncounted(memory, memorySize);
      return memory;
    },
  });
  patch.set(wasm, 'Memory', gatedMemory);
  patch.set(RealMemory.prototype, 'constructor', gatedMemory);

  /** Modules compiled in this thread, with the memories each defines. */
  const modules = new SafeWeakMap<object, DefinedMemory[]>();
  const compiled = (module: object, bytes: Uint8Array | undefined): object => {
    ReflectApply(WeakMapSet, modules, [module, bytes ? definedMemories(bytes) : []]);
    return module;
  };
  const unsupported = (what: string, why: string) => paddockError('PADDOCK_ERR_SANDBOX_UNSUPPORTED', { plugin, what, why });
  /**
   * The memories an instance of `module` will make, from its bytes when this thread
   * compiled it; undefined for a module compiled elsewhere (before the gates, like
   * Node's own undici parser, or in another thread), whose exported memories are still
   * tracked once it is instantiated.
   */
  const memoriesOf = (module: object): DefinedMemory[] | undefined =>
    ReflectApply(WeakMapHas, modules, [module]) ? ReflectApply(WeakMapGet, modules, [module]) as DefinedMemory[] : undefined;
  const instantiated = (instance: object, module: object): object => {
    const memories = memoriesOf(module);
    if (memories !== undefined && memories.length === 0) return instance;
    let exported = 0;
    const exports = ReflectApply(InstanceExports, instance, []) as Record<string, unknown>;
    const names = ObjectKeys(exports);
    for (let i = 0; i < names.length; i++) {
      const value = exports[names[i]!];
      if (typeof value !== 'object' || value === null) continue;
      try {
        memorySize(value);
      } catch {
        continue; // not a memory
      }
      exported++;
      trackUncounted(value, memorySize);
    }
    if (exported > 0 || memories === undefined) return instance;
    // Not exported: counted at the maximum the module declares, from now on.
    for (let i = 0; i < memories.length; i++) {
      const memory = memories[i]!;
      if (!uncounted(memory.shared)) continue;
      if (memory.maximum === undefined) {
        throw unsupported('a WebAssembly module whose own memory is neither exported nor bounded',
          'its growth could not be counted against limits.maxExternalMemoryMb; export the memory or declare a maximum');
      }
      reserveUncounted(instance, memory.maximum);
    }
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
      return instantiated(ReflectConstruct(cls, args, newTarget), module);
    },
  });
  patch.set(wasm, 'Instance', gatedInstance);
  patch.set(RealInstance.prototype, 'constructor', gatedInstance);

  const compile = wasm.compile!;
  const compileGated = function compileGated(...args: unknown[]) {
    const bytes = sourceBytes(args[0]);
    return PromisePrototypeThen(ReflectApply(compile, WebAssembly, args) as Promise<object>, (module: object) => compiled(module, bytes));
  };
  patch.set(wasm, 'compile', compileGated);
  const instantiate = wasm.instantiate!;
  const instantiateGated = function instantiateGated(...args: unknown[]) {
    const source = args[0];
    if (typeof source === 'object' && source !== null && ReflectApply(WeakMapHas, modules, [source])) {
      return PromisePrototypeThen(ReflectApply(instantiate, WebAssembly, args) as Promise<object>, (instance: object) => instantiated(instance, source));
    }
    if (source instanceof RealModule) {
      return PromisePrototypeThen(ReflectApply(instantiate, WebAssembly, args) as Promise<object>, (instance: object) => instantiated(instance, source as object));
    }
    const bytes = sourceBytes(source);
    return PromisePrototypeThen(ReflectApply(instantiate, WebAssembly, args) as Promise<{ module: object; instance: object }>, (result) => {
      compiled(result.module, bytes);
      instantiated(result.instance, result.module);
      return result;
    });
  };
  patch.set(wasm, 'instantiate', instantiateGated);
  // The streaming forms: the bytes are read here first, so the module is scanned like any other.
  const bytesOf = async (source: unknown): Promise<ArrayBuffer> => {
    const response = await source as { arrayBuffer?: () => Promise<ArrayBuffer> } | null;
    if (typeof response?.arrayBuffer !== 'function') throw new TypeError('WebAssembly streaming needs a Response or a promise of one');
    return response.arrayBuffer();
  };
  if (typeof wasm.compileStreaming === 'function') {
    patch.set(wasm, 'compileStreaming', async function compileStreamingGated(source: unknown) {
      return compileGated(await bytesOf(source));
    });
  }
  if (typeof wasm.instantiateStreaming === 'function') {
    patch.set(wasm, 'instantiateStreaming', async function instantiateStreamingGated(source: unknown, imports?: unknown) {
      return instantiateGated(await bytesOf(source), imports);
    });
  }
  return patch.teardown();
}
