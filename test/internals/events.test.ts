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
  assert.equal(bus.publish('unwanted', 1, 16), 0);
  assert.equal(outbox.queued, 0);
  assert.equal(bus.publish('wanted', 1, 16), 1);
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
  for (let i = 0; i < 5; i++) bus.publish('e', i, 16);
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
  bus.publish('e', 'lost-1', 16);
  bus.publish('e', 'lost-2', 16);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(outbox.inFlight, 2);
  outbox.detach();
  dead.port1.close();
  bus.publish('e', 'later', 16);
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
  for (let i = 0; i < 10; i++) bus.publish('e', i, 16);
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
  bus.publish('e', 1, 16);
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

test('the queue is bounded in bytes too: the oldest go first, counted, with no worker attached', async () => {
  const reports: Array<[number, number, string]> = [];
  const bus = new EventBus();
  const mb = 1_000_016;
  const outbox = bus.outbox('p', 10_000, { ...quiet, onDropped: (count, total, reason) => reports.push([count, total, reason]) }, 4 * 1_048_576);
  bus.subscribe(outbox, ['e']);
  // The plugin is down (no port): 200 events of ~1 MB each, in one synchronous burst.
  for (let i = 0; i < 200; i++) bus.publish('e', i, mb);
  assert.equal(outbox.queued, 4);
  assert.ok(outbox.queuedBytes <= 4 * 1_048_576, `${outbox.queuedBytes} bytes queued`);
  assert.equal(outbox.droppedTotal, 196);
  await new Promise((resolve) => setImmediate(resolve));
  assert.deepEqual(reports, [[196, 196, 'bytes']]);
  // The newest were kept, and a drain does not wait for the dropped ones.
  const { port1, port2 } = new MessageChannel();
  const received: unknown[] = [];
  port2.on('message', (batch: EventBatch) => {
    received.push(...batch.e);
    port2.postMessage(batch.s);
  });
  outbox.attach(port1);
  bus.kick(outbox);
  await bus.drain();
  assert.deepEqual(received, ['e', 196, 'e', 197, 'e', 198, 'e', 199]);
  assert.equal(outbox.queuedBytes, 0);
  port1.close();
});

test('events in flight count against the byte bound; a new event that does not fit is dropped', async () => {
  const bus = new EventBus();
  const outbox = bus.outbox('p', 10_000, quiet, 3_000);
  bus.subscribe(outbox, ['e']);
  const { port1 } = new MessageChannel(); // a worker that never acknowledges
  outbox.attach(port1);
  bus.publish('e', 'a', 1_000);
  bus.publish('e', 'b', 1_000);
  await new Promise((resolve) => setImmediate(resolve));
  assert.equal(outbox.inFlight, 2);
  bus.publish('e', 'c', 1_000);
  bus.publish('e', 'd', 1_000); // pushes out c, the oldest still on the host side
  assert.equal(outbox.queued, 1);
  assert.equal(outbox.queuedBytes, 3_000);
  await new Promise((resolve) => setImmediate(resolve));
  bus.publish('e', 'e', 2_000); // nothing waiting on the host side is left to drop: this one goes
  assert.equal(outbox.droppedTotal, 2);
  assert.ok(outbox.queuedBytes <= 3_000);
  // Detaching puts the in-flight events back in the queue, bytes and all.
  outbox.detach();
  assert.equal(outbox.queuedBytes, 3_000);
  assert.equal(outbox.inFlight, 0);
  port1.close();
});
