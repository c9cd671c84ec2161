/**
 * Typed arrays that arrive over a process's IPC channel, or out of
 * `v8.deserialize()`, are views over the buffer they were read from: the channel's read
 * buffer, which also holds other messages (other plugins' calls, events and results).
 * Handed on as they are, `postMessage` copies that whole backing buffer to the thread
 * that receives the view, so a plugin given one byte could read its neighbours' traffic.
 * Everything the runtime takes off an IPC channel goes through one of these first, so a
 * view never reaches anyone with more than its own bytes behind it.
 */
import { DefaultDeserializer } from 'node:v8';

/** A copy of `view` over a fresh ArrayBuffer of exactly its bytes, of the same type. */
function freshView(view: ArrayBufferView): ArrayBufferView {
  const bytes = new Uint8Array(view.byteLength);
  bytes.set(new Uint8Array(view.buffer, view.byteOffset, view.byteLength));
  if (Buffer.isBuffer(view)) return Buffer.from(bytes.buffer, 0, bytes.byteLength);
  if (view instanceof DataView) return new DataView(bytes.buffer);
  const Ctor = view.constructor as new (buffer: ArrayBuffer, offset: number, length: number) => ArrayBufferView;
  const per = (view as unknown as { BYTES_PER_ELEMENT?: number }).BYTES_PER_ELEMENT ?? 1;
  return new Ctor(bytes.buffer, 0, view.byteLength / per);
}

/** Node's deserializer, but each typed array over a fresh buffer of its own bytes. */
class FreshViewDeserializer extends DefaultDeserializer {
  _readHostObject(): unknown {
    const view = (DefaultDeserializer.prototype as unknown as { _readHostObject(this: DefaultDeserializer): ArrayBufferView })._readHostObject.call(this);
    return freshView(view);
  }
}

/** `v8.deserialize(bytes)`, with no view over `bytes` (or its backing buffer) in the result. */
export function deserializeFresh(bytes: Uint8Array): unknown {
  const deserializer = new FreshViewDeserializer(Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength));
  deserializer.readHeader();
  return deserializer.readValue();
}

/**
 * Replace, in place, every typed array in a value taken off an IPC channel by a copy
 * over a buffer of its own (plain objects, arrays, Maps, Sets, error causes: what
 * structured clone makes). Cycles are followed once.
 */
export function freshViews<T>(value: T): T {
  const seen = new Set<object>();
  const visit = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (ArrayBuffer.isView(v)) return freshView(v);
    if (seen.has(v)) return v;
    seen.add(v);
    if (v instanceof Map) {
      const entries = [...v.entries()];
      v.clear();
      for (const [key, item] of entries) v.set(visit(key), visit(item));
    } else if (v instanceof Set) {
      const items = [...v];
      v.clear();
      for (const item of items) v.add(visit(item));
    } else if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = visit(v[i]);
    } else if (!(v instanceof ArrayBuffer) && !(v instanceof Date) && !(v instanceof RegExp)) {
      for (const key of Object.keys(v)) (v as Record<string, unknown>)[key] = visit((v as Record<string, unknown>)[key]);
      if (v instanceof Error && 'cause' in v) v.cause = visit(v.cause);
    }
    return v;
  };
  return visit(value) as T;
}
