/**
 * A MessagePort look-alike over one shared message pipe: a process-isolated plugin's
 * three channels (control, api, events) travel over Node's IPC channel, each tagged
 * with its name. Comlink's endpoint (sdk/internal/port-endpoint.ts), the event stream
 * and the outbox use only on/off/postMessage/start, which this provides.
 */
import { EventEmitter } from 'node:events';

export class ChannelPort extends EventEmitter {
  readonly #send: (data: unknown) => void;
  /** Like a MessagePort, messages wait until someone listens (the plugin side exposes its control late). */
  #pending: unknown[] | undefined = [];
  #closed = false;

  constructor(send: (data: unknown) => void) {
    super();
    this.#send = send;
    this.on('newListener', (event: string) => {
      if (event === 'message') queueMicrotask(() => this.start());
    });
  }

  postMessage(data: unknown): void {
    if (!this.#closed) this.#send(data);
  }

  /** Hand an incoming message to the listeners. */
  deliver(data: unknown): void {
    if (this.#closed) return;
    if (this.#pending) this.#pending.push(data);
    else this.emit('message', data);
  }

  start(): void {
    const pending = this.#pending;
    if (!pending || this.listenerCount('message') === 0) return;
    this.#pending = undefined;
    for (const data of pending) this.emit('message', data);
  }

  close(): void {
    this.#closed = true;
    this.removeAllListeners();
  }

  ref(): void {
    // The IPC channel's own reference keeps the process alive.
  }

  unref(): void {
    // See ref().
  }
}
