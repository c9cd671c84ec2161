import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { testRuntime, waitFor, type TestRuntime } from './helpers.js';

let t: TestRuntime;
before(() => {
  t = testRuntime();
});
after(() => t.close());

test('events arrive in order, only those subscribed to; emit reports whether anyone listens', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'ordered', options: { subscribe: ['a', 'b'] } });
  assert.equal(t.runtime.emit('nobody-listens', 1), false);
  for (let i = 0; i < 3000; i++) {
    t.runtime.emit(i % 2 ? 'a' : 'b', i);
    t.runtime.emit('c', i);
  }
  await t.runtime.drain('ordered');
  const events = await t.runtime.invoke('ordered', 'events') as Array<[string, number]>;
  assert.equal(events.length, 3000);
  assert.deepEqual(events.map(([, n]) => n), Array.from({ length: 3000 }, (_, i) => i));
  assert.ok(events.every(([name, n]) => name === (n % 2 ? 'a' : 'b')));
});

test('unsubscribing stops delivery, resubscribing starts it again', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'toggler' });
  await t.runtime.invoke('toggler', 'subscribe', 'pulse');
  await waitFor(() => t.runtime.get('toggler')?.subscriptions.includes('pulse') ?? false, 5000, 'the subscription');
  t.runtime.emit('pulse', 1);
  await t.runtime.drain('toggler');
  await t.runtime.invoke('toggler', 'unsubscribe', 'pulse');
  await waitFor(() => !(t.runtime.get('toggler')?.subscriptions.includes('pulse') ?? true), 5000, 'the unsubscription');
  assert.equal(t.runtime.emit('pulse', 2), false, 'no plugin subscribes to pulse any more');
  await t.runtime.drain('toggler');
  assert.deepEqual(await t.runtime.invoke('toggler', 'events'), [['pulse', 1]]);
});

test('a slow plugin overflows its own queue: the oldest waiting events are dropped and both sides learn how many', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'slow', options: { subscribe: ['flood'], slowMs: 40 }, limits: { eventQueueLimit: 50 } });
  await t.runtime.load({ url: './probe.mjs', id: 'fast', options: { subscribe: ['flood'] } });
  const hostNotices: Array<{ id: string; count: number; total: number }> = [];
  t.runtime.on('plugin:dropped', (notice) => hostNotices.push(notice));
  for (let i = 0; i < 500; i++) t.runtime.emit('flood', i);

  let slowDone = false;
  const slowDrained = t.runtime.drain('slow').then(() => { slowDone = true; });
  await t.runtime.drain('fast');
  assert.equal(slowDone, false, 'the fast plugin finished while the slow one was still busy');
  const fast = await t.runtime.invoke('fast', 'events') as unknown[];
  assert.equal(fast.length, 500, 'the fast plugin lost nothing');

  await slowDrained;
  const slow = await t.runtime.invoke('slow', 'events') as Array<[string, number]>;
  assert.deepEqual(slow.map(([, n]) => n), Array.from({ length: 50 }, (_, i) => 450 + i), 'the newest 50 were kept');
  assert.deepEqual(hostNotices, [{ id: 'slow', count: 450, total: 450 }]);
  assert.deepEqual(await t.runtime.invoke('slow', 'dropped'), [{ count: 450, total: 450 }]);
  assert.equal(t.runtime.get('slow')?.droppedEvents, 450);
  assert.ok(t.logs.has('dropped 450 events', 'slow'));
});

test('an error thrown by an event listener is logged with the plugin name and the plugin goes on', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'clumsy', options: { subscribe: ['tick'], listenerThrows: true } });
  t.runtime.emit('tick', 1);
  t.runtime.emit('tick', 2);
  await t.runtime.drain('clumsy');
  await waitFor(() => t.logs.has('listener of tick failed', 'clumsy'), 5000, 'the listener error in the log');
  assert.equal(t.runtime.get('clumsy')?.state, 'running');
  assert.deepEqual(await t.runtime.invoke('clumsy', 'events'), [['tick', 1], ['tick', 2]]);
});

test('event data that cannot be copied is discarded with an error; the rest of the batch arrives', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'picky', options: { subscribe: ['mixed'] } });
  t.runtime.emit('mixed', 1);
  t.runtime.emit('mixed', { fn: () => 1 });
  t.runtime.emit('mixed', 3);
  await t.runtime.drain('picky');
  assert.deepEqual(await t.runtime.invoke('picky', 'events'), [['mixed', 1], ['mixed', 3]]);
  assert.ok(t.logs.has('event "mixed" cannot be copied to the plugin and was discarded', 'picky'));
});
