/**
 * Options as the gates decide on them. A plugin's options object may inherit fields
 * from `Object.prototype` (which plugin code can change) or answer a field through a
 * getter that returns one value to the gate and another to Node. So an options object
 * is read once, here, into a record with no prototype that holds only the object's
 * own fields as plain values; the gate decides on that record and hands Node the same
 * record, so Node reads exactly what was decided.
 */
import { ArrayIsArray, ObjectDefineProperty, ObjectKeys } from '../../sdk/kernel/primordials.js';

// Captured when the gates load, before plugin code runs (see primordials.ts).
const ObjectCreate = Object.create;

export type OwnRecord = Record<string, unknown>;

function defineValue(target: object, key: PropertyKey, value: unknown): void {
  ObjectDefineProperty(target, key, { value, writable: true, enumerable: true, configurable: true });
}

/**
 * The own enumerable string-keyed fields of `value` (each getter read once) in a
 * record without a prototype; an empty record for anything that is not an object.
 */
export function ownRecord(value: unknown): OwnRecord {
  const record = ObjectCreate(null) as OwnRecord;
  if ((typeof value !== 'object' && typeof value !== 'function') || value === null) return record;
  const keys = ObjectKeys(value);
  for (let i = 0; i < keys.length; i++) defineValue(record, keys[i]!, (value as OwnRecord)[keys[i]!]);
  return record;
}

/** `ownRecord` for a value that may be absent: undefined/null stay as they are. */
export function ownRecordOrSame<T>(value: T): OwnRecord | T {
  return typeof value === 'object' && value !== null && !ArrayIsArray(value) ? ownRecord(value) : value;
}

/**
 * An array read once into a dense array (each index an own value, so nothing is
 * inherited from `Array.prototype` through a hole); non-arrays are returned as they are.
 */
export function ownList<T>(value: T): T | unknown[] {
  if (!ArrayIsArray(value)) return value;
  const length = value.length;
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) defineValue(out, i, value[i]);
  return out;
}
