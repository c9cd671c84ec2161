/**
 * The consumers of the event scenarios, behind one shape so every variant is driven
 * the same way: Paddock plugins (listener.mjs), bare workers fed by raw postMessage
 * (one message per event per consumer) and bare workers on a loopback WebSocket (one
 * JSON frame per event per consumer, like Pup's event stream).
 */
import { once } from 'node:events';
import { MessageChannel, type MessagePort, type Worker } from 'node:worker_threads';
import { WebSocketServer, type WebSocket } from 'ws';
import type { PluginRuntime } from '../../runtime/index.js';
import type { TakeReply } from '../baselines/protocol.js';
import { loadMany } from './paddock.js';
import { ask, startWorker, terminateAll, withTimeout } from './threads.js';

export interface Taken {
  count: number;
  latencies: Float64Array;
}

export interface EventSinks {
  readonly label: string;
  readonly consumers: number;
  /** Send one event to every consumer. */
  emit(name: string, data: unknown): void;
  /** Resolves once every consumer has handled `perConsumer` events since the last take. */
  settle(perConsumer: number): Promise<void>;
  /** What each consumer handled since the last take, then forget it. */
  take(): Promise<Taken[]>;
  close(): Promise<void>;
}

/** `count` Paddock listener plugins subscribed to `tick`. */
export async function paddockSinks(runtime: PluginRuntime, count: number, eventQueueLimit: number, label = 'Paddock'): Promise<EventSinks & { ids: string[] }> {
  const ids = await loadMany(runtime, count, (i) => ({
    url: './listener.mjs',
    id: `listener-${i}`,
    options: { events: ['tick'] },
    limits: { eventQueueLimit },
  }));
  return {
    label,
    consumers: count,
    ids,
    emit: (name, data) => {
      runtime.emit(name, data);
    },
    settle: () => runtime.drain(),
    take: () => Promise.all(ids.map(async (id) => (await runtime.invoke(id, 'take')) as Taken)),
    close: async () => {
      await Promise.all(ids.map((id) => runtime.unload(id)));
    },
  };
}

function workerSinks(label: string, workers: Worker[], emit: (name: string, data: unknown) => void, close: () => Promise<void>): EventSinks {
  return {
    label,
    consumers: workers.length,
    emit,
    async settle(perConsumer) {
      await Promise.all(workers.map((w) => ask(w, { type: 'expect', n: perConsumer }, 'reached')));
    },
    async take() {
      return Promise.all(workers.map(async (w) => {
        const reply = await ask<TakeReply>(w, { type: 'take' }, 'taken');
        return { count: reply.count, latencies: reply.latencies };
      }));
    },
    close,
  };
}

/** `count` bare workers, each fed through its own MessagePort, one postMessage per event. */
export async function postMessageSinks(count: number): Promise<EventSinks> {
  const ports: MessagePort[] = [];
  const workers: Worker[] = [];
  for (let i = 0; i < count; i++) {
    const channel = new MessageChannel();
    ports.push(channel.port1);
    workers.push(await startWorker('baselines/event-sink.js', { port: channel.port2 }, [channel.port2]));
  }
  return workerSinks('raw postMessage', workers, (name, data) => {
    for (const port of ports) port.postMessage([name, data]);
  }, async () => {
    for (const port of ports) port.close();
    await terminateAll(workers);
  });
}

/** `count` bare workers, each a WebSocket client of one server on 127.0.0.1. */
export async function webSocketSinks(count: number): Promise<EventSinks> {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await withTimeout(once(server, 'listening'), 10_000, 'the WebSocket server');
  const sockets: WebSocket[] = [];
  const connected = new Promise<void>((resolve) => {
    server.on('connection', (socket) => {
      sockets.push(socket);
      if (sockets.length === count) resolve();
    });
  });
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}`;
  const workers: Worker[] = [];
  for (let i = 0; i < count; i++) workers.push(await startWorker('baselines/event-sink.js', { wsUrl: url }));
  await withTimeout(connected, 30_000, `${count} WebSocket connections`);
  return workerSinks('WebSocket 127.0.0.1', workers, (name, data) => {
    const frame = JSON.stringify([name, data]);
    for (const socket of sockets) socket.send(frame);
  }, async () => {
    for (const socket of sockets) socket.terminate();
    await terminateAll(workers);
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });
}
