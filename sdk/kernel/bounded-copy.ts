/**
 * The copy of a value that a plugin's thread sends to the host, measured as it is made.
 *
 * Structured clone writes a string each time it meets it (only objects keep their
 * identity), so twenty references to one 40 MB string are 800 MB on the wire and 800 MB
 * again where they are decoded: a plugin could make the receiving process hold far more
 * than its own heap. Measuring the value first does not help: structured clone calls
 * getters (a property's, an error's `name` and `stack`, `Error.prepareStackTrace`), so
 * what is cloned next may not be what was measured.
 *
 * So the runtime's code in the plugin's thread sends a copy made here instead: plain
 * data objects it made itself, with no getters and no prototypes, so cloning the copy
 * runs no plugin code, and its size is counted while it is built, each string each time
 * it is met. The copy is refused (PADDOCK_ERR_CAP_EXCEEDED) as soon as it passes the
 * bound, before it holds more than the bound, and (PADDOCK_ERR_NOT_CLONEABLE) when it
 * is nested deeper than the receiver can decode. Plugin code may run while the copy is
 * made (a getter); whatever it changes, the copy is what is counted and what is sent.
 *
 * What arrives is what structured clone of the original gives (objects, arrays, Map,
 * Set, Date, RegExp, errors, boxed primitives, buffers and their views); getters are
 * read once. Every intrinsic is captured when this module is evaluated, at boot, before
 * plugin code runs.
 */
import * as types from 'node:util/types';
import { MessagePort } from 'node:worker_threads';
import { paddockError } from '../errors.js';
import { MAX_CROSSING_DEPTH } from './cloneable.js';
import {
  ArrayIsArray,
  MapPrototypeGet,
  MapPrototypeSet,
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectHasOwn,
  ObjectKeys,
  ReflectApply,
  ReflectConstruct,
  SafeMap,
  SetPrototypeAdd,
} from './primordials.js';

const call = Function.prototype.call;
const uncurry = <A extends unknown[], R>(fn: (...args: A) => R): ((self: unknown, ...args: A) => R) => call.bind(fn as never) as never;
const getter = (proto: object, key: PropertyKey) => uncurry(ObjectGetOwnPropertyDescriptor(proto, key)!.get! as () => unknown);

const { isProxy, isNativeError, isDate, isRegExp, isMap, isSet, isArrayBuffer, isSharedArrayBuffer, isArrayBufferView, isDataView, isBoxedPrimitive, isStringObject, isNumberObject, isBooleanObject, isBigIntObject } = types;
const ObjectCreate = Object.create;
const ObjectSetPrototypeOf = Object.setPrototypeOf;
const SafeArray = Array;
const SafeSetCtor = Set;
const SafeDate = Date;
const SafeRegExp = RegExp;
const SafeString = String;
const SafeNumber = Number;
const SafeBoolean = Boolean;
const SafeObject = Object;
const ERRORS: Record<string, ErrorConstructor> = { Error, EvalError, RangeError, ReferenceError, SyntaxError, TypeError, URIError };
const SafeDOMException = DOMException;
const DateGetTime = uncurry(Date.prototype.getTime);
const RegExpSource = getter(RegExp.prototype, 'source') as (r: unknown) => string;
const RegExpFlags = getter(RegExp.prototype, 'flags') as (r: unknown) => string;
const StringValueOf = uncurry(String.prototype.valueOf) as (s: unknown) => string;
const NumberValueOf = uncurry(Number.prototype.valueOf) as (n: unknown) => number;
const BooleanValueOf = uncurry(Boolean.prototype.valueOf) as (b: unknown) => boolean;
const BigIntValueOf = uncurry(BigInt.prototype.valueOf) as (b: unknown) => bigint;
const BigIntToString = uncurry(BigInt.prototype.toString) as (b: unknown, radix: number) => string;
const TypedArrayPrototype = Object.getPrototypeOf(Uint8Array.prototype) as object;
const TypedArrayBuffer = getter(TypedArrayPrototype, 'buffer') as (v: unknown) => ArrayBuffer;
const DataViewBuffer = getter(DataView.prototype, 'buffer') as (v: unknown) => ArrayBuffer;
const ArrayBufferByteLength = getter(ArrayBuffer.prototype, 'byteLength') as (b: unknown) => number;
const resizableDescriptor = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'resizable');
const ArrayBufferResizable = resizableDescriptor?.get ? (uncurry(resizableDescriptor.get as () => unknown) as (b: unknown) => boolean) : () => false;
const maxLengthDescriptor = ObjectGetOwnPropertyDescriptor(ArrayBuffer.prototype, 'maxByteLength');
const ArrayBufferMaxByteLength = maxLengthDescriptor?.get ? (uncurry(maxLengthDescriptor.get as () => unknown) as (b: unknown) => number) : ArrayBufferByteLength;
const MapPrototypeForEach = uncurry(Map.prototype.forEach) as (m: unknown, fn: (v: unknown, k: unknown) => void) => void;
const SetPrototypeForEach = uncurry(Set.prototype.forEach) as (s: unknown, fn: (v: unknown) => void) => void;
const MapSize = getter(Map.prototype, 'size') as (m: unknown) => number;
const MessagePortPrototype = MessagePort.prototype;
const MessagePortHasRef = uncurry((MessagePort.prototype as unknown as { hasRef: () => boolean }).hasRef);
/** A real MessagePort (a transfer; structured clone sends it as a handle): its native method throws on anything else. */
function isMessagePort(object: object): boolean {
  if (ObjectGetPrototypeOf(object) !== MessagePortPrototype) return false;
  try {
    MessagePortHasRef(object);
    return true;
  } catch {
    return false;
  }
}
const SetSize = getter(Set.prototype, 'size') as (s: unknown) => number;
const MapPrototypeGetSize = MapSize;

/** A property defined on a copy as data, with no setter up any chain (descriptors with no prototype). */
function define(target: object, key: string, value: unknown, enumerable = true): void {
  ObjectDefineProperty(target, key, { __proto__: null, value, writable: true, enumerable, configurable: true } as PropertyDescriptor);
}

/**
 * Whether an own key of an array is one of its indices (counted in its length). Its other
 * keys cross with their names, as an object's do. No plugin code: ToNumber and ToString
 * of primitives.
 */
function isArrayIndex(key: string): boolean {
  const n = +key;
  return n >>> 0 === n && n !== 4294967295 && `${n}` === key;
}

/** Structured clone's own limit is the receiver's stack; this one leaves room for the envelope. */
const MAX_DEPTH = MAX_CROSSING_DEPTH + 16;

export interface CopyLimits {
  /** Bytes the copy may take, counted as the host's measure counts them (runtime/limits/measure.ts). */
  maxBytes: number;
  /** What is being sent, for the error: "the arguments of its call to \"log\"". */
  what: () => string;
  plugin: string;
}

interface Task {
  /** Where the copied value goes: a property of an object or array, an entry of a Map or Set. */
  into: object;
  kind: 0 | 1 | 2 | 3;
  key: string;
  value: unknown;
  /** For a Map entry, the key (value is the entry's value). */
  mapKey?: unknown;
  depth: number;
}
const PROPERTY = 0;
const MAP_ENTRY = 1;
const SET_ITEM = 2;
const ERROR_CAUSE = 3;

export interface CopyResult {
  copy: unknown;
  bytes: number;
  /**
   * Whether the copy holds buffers of the plugin's (ArrayBuffers, or views over them), by
   * reference: a copy posted later than now (sdk/kernel/send-credit.ts) is snapshotted first,
   * or a buffer changed or detached in between would cross changed or fail to.
   */
  holdsBuffers: boolean;
}

/**
 * A copy of `value` to send instead of it, and its size. Throws PADDOCK_ERR_CAP_EXCEEDED
 * past `limits.maxBytes`, PADDOCK_ERR_NOT_CLONEABLE for what structured clone refuses
 * (functions, symbols, proxies) and for values nested too deep.
 */
export function boundedCopy(value: unknown, limits: CopyLimits): CopyResult {
  let total = 0;
  const copies = new SafeMap<object, unknown>();
  const buffers = new SafeMap<object, true>();
  // A queue (not a stack): each container's entries are made in their order.
  // No prototype: pushing to it meets no index setter a plugin put on Array.prototype.
  const queue: Task[] = ObjectSetPrototypeOf([], null) as Task[];
  let head = 0;

  const add = (bytes: number) => {
    total += bytes;
    if (total > limits.maxBytes) {
      throw paddockError('PADDOCK_ERR_CAP_EXCEEDED', { plugin: limits.plugin, what: limits.what(), cap: 'maxCallBytes', detail: `more than ${limits.maxBytes} bytes` });
    }
  };
  const refuse = (kind: string): never => {
    throw paddockError('PADDOCK_ERR_NOT_CLONEABLE', { where: `plugin "${limits.plugin}": ${limits.what()}`, path: 'a value inside it', kind }, { plugin: limits.plugin });
  };
  const countBuffer = (buffer: object) => {
    if (MapPrototypeGet(buffers, buffer) !== undefined) return;
    // A view over shared memory sends a handle to it, as a SharedArrayBuffer alone does (and
    // ArrayBuffer.prototype's getters throw on one).
    if (isSharedArrayBuffer(buffer)) return add(16);
    MapPrototypeSet(buffers, buffer, true);
    // A resizable buffer is counted at its most: a getter run later could grow it before the send.
    add(16 + (ArrayBufferResizable(buffer) ? ArrayBufferMaxByteLength(buffer) : ArrayBufferByteLength(buffer)));
  };
  const enqueue = (task: Task) => {
    queue[queue.length] = task;
  };

  /** The copy of one value: a primitive as it is, a container made now and filled from the queue. */
  const copyOf = (v: unknown, depth: number): unknown => {
    switch (typeof v) {
      case 'string':
        add(v.length * 2 + 8);
        return v;
      case 'number':
      case 'bigint':
        add(typeof v === 'bigint' ? 9 + ((BigIntToString(v, 16).length / 2) | 0) : 9);
        return v;
      case 'boolean':
      case 'undefined':
        add(1);
        return v;
      case 'function':
        return refuse('a function');
      case 'symbol':
        return refuse('a symbol');
      default:
    }
    if (v === null) {
      add(1);
      return v;
    }
    const object = v as object;
    const known = MapPrototypeGet(copies, object);
    if (known !== undefined) {
      add(4);
      return known;
    }
    if (depth > MAX_DEPTH) refuse(`nested more than ${MAX_CROSSING_DEPTH} levels deep`);
    if (isProxy(object)) return refuse('a Proxy');
    let out: object;
    if (isArrayBufferView(object)) {
      // Sent as it is: cloning a view copies its buffer, no plugin code involved.
      countBuffer(isDataView(object) ? DataViewBuffer(object) : TypedArrayBuffer(object));
      out = object;
    } else if (isArrayBuffer(object)) {
      countBuffer(object);
      out = object;
    } else if (isMessagePort(object)) {
      add(16);
      out = object;
    } else if (isSharedArrayBuffer(object)) {
      add(16);
      out = object;
    } else if (isDate(object)) {
      add(9);
      out = new SafeDate(DateGetTime(object));
    } else if (isRegExp(object)) {
      const source = RegExpSource(object);
      add(source.length * 2 + 16);
      out = new SafeRegExp(source, RegExpFlags(object));
    } else if (isBoxedPrimitive(object)) {
      if (isStringObject(object)) {
        const s = StringValueOf(object);
        add(s.length * 2 + 8);
        out = new SafeString(s);
      } else if (isNumberObject(object)) {
        add(9);
        out = new SafeNumber(NumberValueOf(object));
      } else if (isBooleanObject(object)) {
        add(1);
        out = new SafeBoolean(BooleanValueOf(object));
      } else if (isBigIntObject(object)) {
        add(16);
        out = SafeObject(BigIntValueOf(object));
      } else {
        return refuse('a Symbol object');
      }
    } else if (isMap(object)) {
      add(8 + MapSize(object) * 2);
      const map = new SafeMap();
      out = map;
      MapPrototypeForEach(object, (item, key) => enqueue({ into: map, kind: MAP_ENTRY, key: '', mapKey: key, value: item, depth: depth + 1 }));
    } else if (isSet(object)) {
      add(8 + SetSize(object));
      const set = new SafeSetCtor();
      out = set;
      SetPrototypeForEach(object, (item) => enqueue({ into: set, kind: SET_ITEM, key: '', value: item, depth: depth + 1 }));
    } else if (isNativeError(object)) {
      out = copyError(object, depth);
    } else {
      const isArray = ArrayIsArray(object);
      // Own enumerable string keys, the ones structured clone reads; no prototype on the
      // copy, so defining them meets no setter of the plugin's.
      const keys = ObjectKeys(object);
      if (isArray) {
        const length = (object as unknown[]).length;
        add(8 + length);
        out = new SafeArray(length);
        ObjectSetPrototypeOf(out, null);
      } else {
        add(8);
        out = ObjectCreate(null) as object;
      }
      for (let i = 0; i < keys.length; i++) {
        const key = keys[i]!;
        // An array's indices are counted in its length, as the host's measure counts them;
        // its other keys cross with their names, each time (a name shared by twenty arrays is twenty names).
        if (!isArray || !isArrayIndex(key)) add(key.length * 2 + 8);
        enqueue({ into: out, kind: PROPERTY, key, value: undefined, mapKey: object, depth: depth + 1 });
      }
    }
    MapPrototypeSet(copies, object, out);
    return out;
  };

  /** An error as structured clone sends one: its kind, message, stack and cause, all as plain data. */
  const copyError = (error: object, depth: number): object => {
    // Reading name and stack may run plugin code (getters, Error.prepareStackTrace): allowed, only strings are kept.
    const name = (error as { name?: unknown }).name;
    const Kind = (typeof name === 'string' && ObjectGetOwnPropertyDescriptor(ERRORS, name)?.value) || Error;
    const message = ObjectGetOwnPropertyDescriptor(error, 'message');
    const stack = (error as { stack?: unknown }).stack;
    const out = ReflectConstruct(Kind, []) as object;
    ObjectSetPrototypeOf(out, null);
    define(out, 'name', typeof name === 'string' && ObjectGetOwnPropertyDescriptor(ERRORS, name) ? name : 'Error', false);
    // The descriptor's own `value`, read once: `in` and a second read would meet a getter the
    // plugin put on Object.prototype.value (an accessor message has no own `value`).
    const text = message !== undefined && ObjectHasOwn(message, 'value') ? message.value : undefined;
    if (typeof text === 'string') {
      add(text.length * 2 + 8);
      define(out, 'message', text, false);
    }
    // The copy's own stack is data: cloning it calls no getter.
    define(out, 'stack', undefined, false);
    if (typeof stack === 'string') {
      add(stack.length * 2 + 8);
      define(out, 'stack', stack, false);
    }
    const cause = ObjectGetOwnPropertyDescriptor(error, 'cause');
    if (cause !== undefined && ObjectHasOwn(cause, 'value')) enqueue({ into: out, kind: ERROR_CAUSE, key: 'cause', value: cause.value, depth: depth + 1 });
    return out;
  };

  const copy = copyOf(value, 0);
  while (head < queue.length) {
    const task = queue[head]!;
    queue[head++] = undefined as never;
    switch (task.kind) {
      case PROPERTY: {
        // Read now, once, as structured clone would (a getter runs here, and only here).
        const item = (task.mapKey as Record<string, unknown>)[task.key];
        // A plain assignment is safe here: the copy has no prototype, so no setter is met
        // (and "__proto__" is an ordinary key on it).
        (task.into as Record<string, unknown>)[task.key] = copyOf(item, task.depth);
        break;
      }
      case MAP_ENTRY: {
        const key = copyOf(task.mapKey, task.depth);
        MapPrototypeSet(task.into as Map<unknown, unknown>, key, copyOf(task.value, task.depth));
        break;
      }
      case SET_ITEM:
        SetPrototypeAdd(task.into as Set<unknown>, copyOf(task.value, task.depth));
        break;
      case ERROR_CAUSE:
        define(task.into, 'cause', copyOf(task.value, task.depth), false);
        break;
      default:
    }
  }
  return { copy, bytes: total, holdsBuffers: MapPrototypeGetSize(buffers) > 0 };
}

/** ReflectApply, re-exported for the senders that post the copy with a captured method. */
export { ReflectApply };
