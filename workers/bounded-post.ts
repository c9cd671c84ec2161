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
import { ObjectDefineProperty, ReflectApply } from '../sdk/kernel/primordials.js';

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

/** In a process plugin: `process.send` and `process._send` send bounded copies (the runtime holds the originals). */
export function boundProcessSend(bounds: PostBounds): void {
  const target = process as unknown as Record<string, AnyFunction | undefined>;
  for (const key of ['send', '_send']) {
    const original = target[key];
    if (typeof original !== 'function') continue;
    ObjectDefineProperty(target, key, {
      __proto__: null,
      value: boundedSender(original, bounds, `a message sent with process.${key}`),
      writable: false,
      enumerable: false,
      configurable: false,
    } as PropertyDescriptor);
  }
}
