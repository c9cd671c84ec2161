/**
 * Every message a thread or process sends with the APIs plugin code can reach, as a
 * bounded copy (sdk/kernel/bounded-copy.ts).
 *
 * A plugin worker's own channels are wrapped in workers/bounded-ports.ts and its parent
 * port is closed at init. Two routes stay in plugin code's reach, used by the runtime
 * itself, so they cannot be closed:
 *
 *  - in a task pool thread, `worker_threads.parentPort` (and piscina's own port): the
 *    runtime sends progress and output there and piscina the results, so
 *    `MessagePort.prototype.postMessage` itself is replaced by one that sends the copy,
 *    before any plugin code runs, and the prototype locked;
 *  - in a process plugin, `process.send` (and `process._send` behind it): replaced by
 *    ones that send the copy; the runtime keeps the originals.
 *
 * Without this, plugin code posting twenty references to one 20 MB string there had
 * them decoded as 800 MB in the process that receives them.
 */
import { MessagePort } from 'node:worker_threads';
import { boundedCopy } from '../sdk/kernel/bounded-copy.js';
import { paddockError } from '../sdk/errors.js';
import { isUint8Array, ObjectDefineProperty, ObjectGetPrototypeOf, ReflectApply, ReflectOwnKeys, TypedArrayPrototypeGetLength } from '../sdk/kernel/primordials.js';

export interface PostBounds {
  plugin: string;
  /** Bytes one message may take (caps.maxCallBytes and room for its envelope). */
  maxBytes: number;
}

type AnyFunction = (...args: unknown[]) => unknown;

/** A function that sends a bounded copy of its first argument through `original`. */
function boundedSender(original: AnyFunction, bounds: PostBounds, what: string): AnyFunction {
  return function (this: unknown, ...args: unknown[]) {
    args[0] = boundedCopy(args[0], { plugin: bounds.plugin, maxBytes: bounds.maxBytes, what: () => what }).copy;
    return ReflectApply(original, this, args);
  };
}

/** In a task pool thread: every MessagePort's postMessage sends a bounded copy. Call before lockMessagePorts(). */
export function boundMessagePorts(bounds: PostBounds): void {
  const proto = MessagePort.prototype as unknown as Record<string, AnyFunction>;
  const original = proto['postMessage']!;
  ObjectDefineProperty(proto, 'postMessage', {
    __proto__: null,
    value: boundedSender(original, bounds, 'a message from a task thread'),
    writable: false,
    enumerable: true,
    configurable: false,
  } as PropertyDescriptor);
}

/** The IPC channel's pipe handle: Node keeps it on `process` under a symbol of its own. */
function channelHandle(): object | undefined {
  const keys = ReflectOwnKeys(process);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    if (typeof key === 'symbol' && key.description === 'kChannelHandle') return (process as unknown as Record<symbol, object | undefined>)[key] ?? undefined;
  }
  return undefined;
}

/** The stream methods that write to a pipe (Node's LibuvStreamWrap, the pipe handle's parent class). */
const STREAM_WRITES = ['writeBuffer', 'writev', 'writeUtf8String', 'writeAsciiString', 'writeLatin1String', 'writeUcs2String', 'shutdown'];

/**
 * In a process plugin: `process.send` and `process._send` send bounded copies (the runtime holds the originals),
 * and the IPC pipe itself takes only the frame `process._send` makes of such a copy.
 *
 * Plugin code reaches the pipe's handle (on `process` under Node's own symbol) and can wrap
 * it as a net.Socket: twelve bytes written there (a frame header and a body that is not a
 * structured clone) threw in the host's channel reader and ended the host, and a header
 * announcing a 1 GB frame had the host buffer every byte that followed. So each write
 * method of the pipe class refuses the channel's handle unless `process._send` is writing
 * its one frame, whole (a 4-byte length that matches) and within the bound.
 */
export function boundProcessSend(bounds: PostBounds): void {
  const handle = channelHandle();
  // One frame may go while the original process._send runs (after the copy: its getters ran then).
  let frames = 0;
  const target = process as unknown as Record<string, AnyFunction | undefined>;
  for (const key of ['send', '_send']) {
    const original = target[key];
    if (typeof original !== 'function') continue;
    const what = `a message sent with process.${key}`;
    const value = key === '_send'
      ? function (this: unknown, ...args: unknown[]) {
        args[0] = boundedCopy(args[0], { plugin: bounds.plugin, maxBytes: bounds.maxBytes, what: () => what }).copy;
        frames = 1;
        try {
          return ReflectApply(original, this, args);
        } finally {
          frames = 0;
        }
      }
      : boundedSender(original, bounds, what);
    ObjectDefineProperty(target, key, {
      __proto__: null,
      value,
      writable: false,
      enumerable: false,
      configurable: false,
    } as PropertyDescriptor);
  }
  if (!handle) return;
  // Structured clone of a bounded copy: at most a few bytes of tags more than the copy counted.
  const maxFrame = 4 + bounds.maxBytes * 2 + 1_024;
  const streamPrototype = ObjectGetPrototypeOf(ObjectGetPrototypeOf(handle)) as Record<string, AnyFunction>;
  for (const name of STREAM_WRITES) {
    const original = streamPrototype[name];
    if (typeof original !== 'function') continue;
    ObjectDefineProperty(streamPrototype, name, {
      __proto__: null,
      value: function (this: unknown, ...args: unknown[]) {
        if (this === handle) {
          const frame = args[1] as Uint8Array;
          const length = isUint8Array(frame) ? TypedArrayPrototypeGetLength(frame) : -1;
          const whole = name === 'writeBuffer' && frames === 1 && length >= 4 && length <= maxFrame
            && ((frame[0]! << 24) | (frame[1]! << 16) | (frame[2]! << 8) | frame[3]!) >>> 0 === length - 4;
          if (!whole) throw paddockError('PADDOCK_ERR_PROTOCOL', { plugin: bounds.plugin, problem: `a write to its IPC channel (${name}) that is not process.send's own frame` });
          frames = 0;
        }
        return ReflectApply(original, this, args);
      },
      writable: false,
      enumerable: true,
      configurable: false,
    } as PropertyDescriptor);
  }
}
