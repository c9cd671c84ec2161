/**
 * A Node `MessagePort` as a Comlink `Endpoint`, with an optional gate on incoming
 * messages: the host passes one that drops anything outside the protocol.
 */
import type { MessagePort } from 'node:worker_threads';
import type { Endpoint } from 'comlink';

type Handler = Parameters<Endpoint['addEventListener']>[1];
type Transfer = Parameters<Endpoint['postMessage']>[1];

export function portEndpoint(port: MessagePort, accept?: (data: unknown) => boolean): Endpoint {
  const installed = new Map<Handler, (data: unknown) => void>();
  return {
    postMessage(message: unknown, transfer?: Transfer) {
      port.postMessage(message, transfer as never);
    },
    addEventListener(_type: string, handler: Handler) {
      const listener = (data: unknown) => {
        if (accept && !accept(data)) return;
        const event = { data } as MessageEvent;
        if (typeof handler === 'function') handler(event);
        else handler.handleEvent(event);
      };
      installed.set(handler, listener);
      port.on('message', listener);
    },
    removeEventListener(_type: string, handler: Handler) {
      const listener = installed.get(handler);
      if (!listener) return;
      installed.delete(handler);
      port.off('message', listener);
    },
    start() {
      port.start();
    },
  };
}
