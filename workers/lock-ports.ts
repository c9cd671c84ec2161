/**
 * Locks the prototypes Node consults when it delivers a message to a MessagePort, before
 * any plugin code runs in this thread.
 *
 * Node delivers a message by calling `port[Symbol.for('nodejs.internal.kHybridDispatch')]`
 * and, on its way, other methods found on `MessagePort.prototype`, Node's
 * `NodeEventTarget.prototype` and `EventTarget.prototype` (listener bookkeeping, the
 * new-port hook, `emit`). Each is looked up on the prototype chain with the port as
 * `this`, so a plugin that replaced one would be handed every port of its thread,
 * the runtime's own included (its liveness channel, its control and event channels).
 * Locking the three prototypes (no property can be replaced or added) leaves nothing there to replace, and pinning the two
 * globally registered symbols on `MessagePort.prototype` itself leaves nothing to shadow
 * further up (a setter on `Object.prototype` would otherwise see the port).
 *
 * The cost for plugin code: these three prototypes cannot be patched in a plugin's
 * thread (subclassing them works as usual).
 */
import { MessagePort } from 'node:worker_threads';
import {
  ObjectDefineProperty,
  ObjectFreeze,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetPrototypeOf,
  ObjectPreventExtensions,
  ReflectOwnKeys,
} from '../sdk/kernel/primordials.js';

const PINNED = ['nodejs.internal.kHybridDispatch', 'nodejs.internal.kCurrentlyReceivingPorts'];
/** Node assigns this one on each port as it delivers; it stays writable (the assignment lands on the port). */
const PER_PORT_SLOT = Symbol.for('nodejs.internal.kCurrentlyReceivingPorts');

/** Like Object.freeze, except that data slots meant to be assigned per instance stay writable. */
function lock(proto: object): void {
  const keys = ReflectOwnKeys(proto);
  for (let i = 0; i < keys.length; i++) {
    const key = keys[i]!;
    const descriptor = ObjectGetOwnPropertyDescriptor(proto, key)!;
    if (!descriptor.configurable) continue;
    if ('value' in descriptor) descriptor.writable = key === PER_PORT_SLOT;
    descriptor.configurable = false;
    ObjectDefineProperty(proto, key, descriptor);
  }
  ObjectPreventExtensions(proto);
}

export function lockMessagePorts(): void {
  const portPrototype = MessagePort.prototype as unknown as Record<symbol, unknown>;
  for (let i = 0; i < PINNED.length; i++) {
    const key = Symbol.for(PINNED[i]!);
    if (ObjectGetOwnPropertyDescriptor(portPrototype, key)?.configurable === false) continue;
    // What the chain answers now (Node's own function, or undefined), as the port's own.
    const value = portPrototype[key];
    // A data slot Node assigns per port stays writable (an assignment then lands on the
    // port itself); a method does not.
    ObjectDefineProperty(portPrototype, key, { value, writable: typeof value !== 'function', enumerable: false, configurable: false });
  }
  for (let proto: object | null = portPrototype; proto !== null && proto !== Object.prototype; proto = ObjectGetPrototypeOf(proto) as object | null) {
    lock(proto);
  }
  ObjectFreeze(MessagePort);
}
