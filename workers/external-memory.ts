/**
 * The external memory (ArrayBuffers, Buffers) held by this thread and by the nested
 * workers its plugin started, in MB. The thread's own figure comes from V8; each nested
 * worker's from its own reports and, where Node can read it from outside the thread
 * (22.16+, 24+), `worker.getHeapStatistics()` (workers/gates/workers.ts records both).
 * A plugin's nested workers count against its `maxExternalMemoryMb`.
 *
 * Everything here is captured when the module loads, before plugin code runs.
 */
const memoryUsage = process.memoryUsage.bind(process);
const MathRound = Math.round;
const MathMax = Math.max;
const SafeMap = Map;
const MapSet = Map.prototype.set;
const MapDelete = Map.prototype.delete;
const MapForEach = Map.prototype.forEach;
const ReflectApply = Reflect.apply;

/** Last figure (MB) per live nested worker, keyed by an object only the gate holds. */
const nested = new SafeMap<object, number>();

/**
 * Bytes reserved by buffers and memories whose growth V8 does not count as external
 * (workers/gates/memory.ts), each at its maximum, released when its holder is collected.
 */
let reserved = 0;
const SafeFinalizationRegistry = FinalizationRegistry;
const RegistryRegister = FinalizationRegistry.prototype.register;
const released = new SafeFinalizationRegistry<number>((bytes) => {
  reserved -= bytes;
});

export function reserveUncounted(holder: object, bytes: number): void {
  reserved += bytes;
  ReflectApply(RegistryRegister, released, [holder, bytes]);
}

/**
 * Buffers and memories V8 does not count, measured at their current size each time the
 * figure is taken: [a weak reference to it, how to read its size]. Dead ones are dropped.
 */
const SafeWeakRef = WeakRef;
const WeakRefDeref = WeakRef.prototype.deref;
let tracked: Array<[WeakRef<object>, (holder: object) => number]> = [];

export function trackUncounted(holder: object, sizeOf: (holder: object) => number): void {
  tracked[tracked.length] = [new SafeWeakRef(holder), sizeOf];
}

function trackedBytes(): number {
  let total = 0;
  const live: typeof tracked = [];
  for (let i = 0; i < tracked.length; i++) {
    const entry = tracked[i]!;
    const holder = ReflectApply(WeakRefDeref, entry[0], []) as object | undefined;
    if (holder === undefined) continue;
    live[live.length] = entry;
    try {
      total += entry[1](holder);
    } catch {
      // a detached buffer holds nothing
    }
  }
  tracked = live;
  return total;
}

export function recordNestedMemory(key: object, mb: number): void {
  ReflectApply(MapSet, nested, [key, mb]);
}

export function forgetNestedMemory(key: object): void {
  ReflectApply(MapDelete, nested, [key]);
}

/** This thread's own external memory, MB: V8's count and the growable memory it leaves out. */
export function ownExternalMemoryMb(): number {
  const usage = memoryUsage();
  return MathRound((MathMax(usage.external, usage.arrayBuffers) + reserved + trackedBytes()) / 1_048_576);
}

/** This thread's and its nested workers' external memory, MB. */
export function externalMemoryMb(): number {
  let total = ownExternalMemoryMb();
  ReflectApply(MapForEach, nested, [(mb: number) => {
    total += mb;
  }]);
  return total;
}
