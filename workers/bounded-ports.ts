/**
 * The plugin's three channels as the runtime's code in its thread sends on them: every
 * message goes out as a bounded copy (sdk/kernel/bounded-copy.ts), and within the
 * receiver's window (sdk/kernel/send-credit.ts).
 *
 * Made before plugin code runs, from methods captured then; the plugin never holds the
 * ports, only the SDK's client that sends through these. So no message from this thread
 * reaches the receiving process larger than the bound, however it was built, and no
 * more of them than the window.
 *
 * A value over the bound is refused where it is sent: the plugin's call rejects with
 * PADDOCK_ERR_CAP_EXCEEDED, and an answer to the host (an action's result) is replaced
 * by that error, so the host's caller hears why.
 */
import { boundedCopy, type CopyResult } from '../sdk/kernel/bounded-copy.js';
import { CreditedSender } from '../sdk/kernel/send-credit.js';
import { fail } from '../sdk/kernel/results.js';
import { isPaddockError } from '../sdk/errors.js';
import { ReflectApply } from '../sdk/kernel/primordials.js';
import type { PluginPorts, PortLike } from './plugin-ports.js';

export interface SendBounds {
  plugin: string;
  /** Bytes one message may take (caps.maxCallBytes and room for its envelope). */
  maxBytes: number;
  /** The receiver's count of messages taken; absent where the transport has no window (the process tier). */
  credit?: SharedArrayBuffer | undefined;
}

type Channel = keyof PluginPorts;

// Captured when this module is evaluated, before plugin code runs.
const SafeStructuredClone = structuredClone;

/** The method a Comlink request calls, when it is the SDK's `call(token, method, args)`. */
function calledMethod(message: unknown): string | undefined {
  const list = (message as { argumentList?: unknown } | null)?.argumentList;
  if (!Array.isArray(list)) return undefined;
  const method = (list[1] as { value?: unknown } | undefined)?.value;
  return typeof method === 'string' ? method.slice(0, 128) : undefined;
}

function describe(channel: Channel, message: unknown): string {
  if (channel === 'api') {
    const method = calledMethod(message);
    return method === undefined ? 'a call to the host' : `the arguments of its call to ${JSON.stringify(method)}`;
  }
  return channel === 'control' ? 'its answer to the host' : 'a message on its event channel';
}

/** A Comlink answer (`{ id, type: "RAW", value }`) replaced by the error, as a failed Result. */
function refusedAnswer(message: unknown, error: unknown): unknown {
  const id = (message as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') return undefined;
  return { id, type: 'RAW', value: fail(error) };
}

export function boundedPorts(ports: PluginPorts, bounds: SendBounds): PluginPorts {
  const sender = bounds.credit ? new CreditedSender(bounds.credit) : undefined;
  const wrap = (channel: Channel): PortLike => {
    const port = ports[channel];
    // Captured now, before plugin code runs.
    const post = port.postMessage;
    const on = port.on;
    const off = port.off;
    const start = port.start;
    return {
      on: (event, listener) => ReflectApply(on, port, [event, listener]),
      off: (event, listener) => ReflectApply(off, port, [event, listener]),
      start: () => ReflectApply(start, port, []),
      postMessage(value: unknown, transfer?: unknown) {
        let sent: CopyResult;
        try {
          sent = boundedCopy(value, { plugin: bounds.plugin, maxBytes: bounds.maxBytes, what: () => describe(channel, value) });
        } catch (error) {
          const answer = channel === 'control' && isPaddockError(error, 'PADDOCK_ERR_CAP_EXCEEDED') ? refusedAnswer(value, error) : undefined;
          if (answer === undefined) throw error;
          sent = { copy: answer, bytes: 1_024, holdsBuffers: false };
        }
        const args = transfer === undefined ? [sent.copy] : [sent.copy, transfer];
        // A message that waits for the window waits while plugin code runs, and a copy with
        // buffers holds the plugin's own: one changed or detached (transferred) after the call
        // would cross changed, or throw in the timer that posts it and end the worker. So such
        // a copy waits as a clone of it, made now (cloning the copy runs no plugin code); one
        // without buffers waits as it is (its strings are immutable and shared, not cloned).
        const hold = () => {
          if (!sent.holdsBuffers) return () => ReflectApply(post, port, args);
          const snapshot = SafeStructuredClone(sent.copy);
          const later = transfer === undefined ? [snapshot] : [snapshot, transfer];
          return () => ReflectApply(post, port, later);
        };
        if (sender) sender.send(() => ReflectApply(post, port, args), sent.bytes, hold);
        else ReflectApply(post, port, args);
      },
    } as PortLike;
  };
  return { control: wrap('control'), api: wrap('api'), events: wrap('events') };
}
