import assert from 'node:assert/strict';
import { MessageChannel } from 'node:worker_threads';
import { test } from 'node:test';
import { EventBus } from '../../runtime/events/event-bus.js';
import type { EventBatch } from '../../sdk/kernel/protocol.js';

const quiet = { onDropped: () => {}, onUncloneable: () => {} };

test('an event nobody subscribed to is not queued anywhere', () => {
  const bus = new EventBus();
  const outbox = bus.outbox('p', 10, quiet);
  bus.subscribe(outbox, ['wanted']);
  assert.equal(bus.publish('unwanted', 1), 0);
  assert.equal(outbox.queued, 0);
  assert.equal(bus.publish('wanted', 1), 1);
  assert.equal(outbox.queued, 1);
});

test('batches carry events in order and are acknowledged; drained() waits for the acks', async () => {
  const bus = new EventBus();
  const outbox = bus.outbox('p', 100, quiet);
  bus.subscribe(outbox, ['e']);
  const { port1, port2 } = new MessageChannel();
  const received: unknown[] = [];
  port2.on('message', (batch: EventBatch) => {
    received.push(...batch.e);
    port2.postMessage(batch.s);
  });
  outbox.attach(port1);
  for (let i = 0; i < 5; i++) bus.publish('e', i);
  await bus.drain();
  assert.deepEqual(received, ['e', 0, 'e', 1, 'e', 2, 'e', 3, 'e', 4]);
  assert.equal(outbox.inFlight, 0);
  port1.close();
});

test('batches in flight when the worker dies are delivered again, first, to the next worker', async () => {
  const bus = new EventBus();
  const outbox = bus.outbox('p', 100, quiet);
  bus.subscribe(outbox, ['e']);
  const dead = new MessageChannel();
  outbox.attach(dead.port1);
  bus.publish('e', 'lost-1');
  bus.publish('e', 'lost-2');
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(outbox.inFlight, 2);
  outbox.detach();
  dead.port1.close();
  bus.publish('e', 'later');
  const next = new MessageChannel();
  const received: unknown[] = [];
  next.port2.on('message', (batch: EventBatch) => {
    received.push(...batch.e);
    next.port2.postMessage(batch.s);
  });
  outbox.attach(next.port1);
  bus.kick(outbox);
  await bus.drain();
  assert.deepEqual(received, ['e', 'lost-1', 'e', 'lost-2', 'e', 'later']);
  next.port1.close();
});

test('overflow drops the oldest waiting events and reports the count once per flush', async () => {
  const reports: Array<[number, number]> = [];
  const bus = new EventBus();
  const outbox = bus.outbox('p', 3, { ...quiet, onDropped: (count, total) => reports.push([count, total]) });
  bus.subscribe(outbox, ['e']);
  for (let i = 0; i < 10; i++) bus.publish('e', i);
  assert.equal(outbox.queued, 3);
  assert.equal(outbox.droppedTotal, 7);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(reports, [[7, 7]]);
});

test('acks that do not match the oldest batch are ignored', async () => {
  const bus = new EventBus();
  const outbox = bus.outbox('p', 10, quiet);
  bus.subscribe(outbox, ['e']);
  const { port1, port2 } = new MessageChannel();
  outbox.attach(port1);
  bus.publish('e', 1);
  const batch = await new Promise<EventBatch>((resolve) => port2.once('message', resolve));
  const marker = new Promise((resolve) => port1.on('message', (m) => m === 'marker' && resolve(m)));
  port2.postMessage(batch.s + 5);
  port2.postMessage('nonsense');
  port2.postMessage('marker');
  await marker; // messages arrive in order: the bad acks were handled before the marker
  assert.equal(outbox.inFlight, 1);
  port2.postMessage(batch.s);
  await bus.drain();
  assert.equal(outbox.inFlight, 0);
  port1.close();
});
