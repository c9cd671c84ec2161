/**
 * What a plugin's thread sends is counted as it is copied (sdk/kernel/bounded-copy.ts) and
 * its errors are made plain data (sdk/kernel/serialize-error.ts): the values here are the
 * ones a hostile plugin builds to make the count smaller than what crosses.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { boundedCopy } from '../../sdk/kernel/bounded-copy.js';
import { serializeError } from '../../sdk/kernel/serialize-error.js';
import { PaddockError, isPaddockError } from '../../sdk/errors.js';

const MB = 1024 * 1024;
const limits = { maxBytes: MB, what: () => 'a test value', plugin: 'hostile' };
const capExceeded = (error: unknown) => isPaddockError(error, 'PADDOCK_ERR_CAP_EXCEEDED');

test('an array\'s non-index keys are counted: eight arrays named by one 1 MB key are 8 MB, over a 1 MB bound', () => {
  const key = 'k'.repeat(MB);
  const arrays = Array.from({ length: 8 }, () => Object.assign([1, 2], { [key]: 1 }));
  assert.throws(() => boundedCopy(arrays, limits), capExceeded);
  // Indices are still counted in the length, and a short named key still fits.
  const { copy } = boundedCopy(Object.assign(new Array(1_000).fill(0), { label: 'x' }), limits);
  assert.equal((copy as unknown[]).length, 1_000);
  assert.equal((copy as unknown as { label: string }).label, 'x');
});

test('an error\'s accessor message is never read through a getter on Object.prototype.value, so what is counted is what is kept', () => {
  const text = 'm'.repeat(MB);
  const errors = Array.from({ length: 8 }, () => Object.defineProperty(new Error('x'), 'message', { get: function hostile() { return 'x'; }, configurable: true }));
  let reads = 0;
  Object.defineProperty(Object.prototype, 'value', {
    configurable: true,
    get(this: { get?: { name?: string } }) {
      if (this?.get?.name !== 'hostile') return undefined;
      return reads++ % 3 < 2 ? 's' : text;
    },
  });
  let copied: unknown;
  try {
    copied = boundedCopy(errors, limits).copy;
  } finally {
    delete (Object.prototype as { value?: unknown }).value;
  }
  // Structured clone sends no accessor message; neither does the copy.
  const list = copied as Array<{ message?: unknown }>;
  assert.equal(list.length, 8);
  for (let i = 0; i < list.length; i++) assert.equal(Object.getOwnPropertyDescriptor(list[i], 'message'), undefined, `error ${i} kept a message`);
  assert.equal(reads, 0);
  // A data message is kept and counted.
  const plain = boundedCopy(new Error('hello'), limits).copy as { message: string };
  assert.equal(plain.message, 'hello');
  assert.throws(() => boundedCopy(Array.from({ length: 8 }, () => new Error(text)), limits), capExceeded);
});

test('serializeError reads each field once and keeps only strings: a stack, plugin or origin getter cannot put an object in the Result', () => {
  const payload = new Array(20).fill('s'.repeat(1_000));
  const error = new Error('flip');
  let stackReads = 0;
  Object.defineProperty(error, 'stack', { get: () => (stackReads++ === 0 ? 'short' : payload), configurable: true });
  const out = serializeError(error);
  assert.ok(out.stack === undefined || typeof out.stack === 'string', `stack is ${typeof out.stack}`);

  // A PaddockError of the plugin's own making (the SDK exports the class), its fields getters.
  const made = new PaddockError('PADDOCK_ERR_PLUGIN_THREW', 'forged', { plugin: 'p' });
  let pluginReads = 0;
  Object.defineProperties(made, {
    plugin: { get: () => (pluginReads++ === 0 ? 'p' : payload), configurable: true },
    origin: { get: () => payload, configurable: true },
    details: { get: () => ({ list: Object.assign(['a'], { every: () => true, slice: () => ({ map: () => payload }) }), scalar: 1 }), configurable: true },
  });
  const forged = serializeError(made);
  assert.ok(forged.plugin === undefined || typeof forged.plugin === 'string', `plugin is ${typeof forged.plugin}`);
  assert.ok(['plugin', 'host', 'runtime'].includes(forged.origin as string), `origin is ${typeof forged.origin}`);
  assert.deepEqual(forged.details, { list: ['a'], scalar: 1 });
});

test('views over a SharedArrayBuffer are sent as structured clone sends them (a handle to the memory), not refused with a TypeError', () => {
  const shared = new SharedArrayBuffer(8);
  const value = { ints: new Int32Array(shared), bytes: new DataView(shared), shared };
  const { copy } = boundedCopy(value, limits);
  const cloned = structuredClone(copy) as typeof value;
  Atomics.store(value.ints, 0, 42);
  assert.equal(Atomics.load(cloned.ints, 0), 42, 'the clone shares the memory');
  assert.equal(cloned.bytes.buffer, cloned.shared);
});

test('a message that waits for the window crosses as it was when sent: its buffer changed or detached after the call changes nothing', async () => {
  const { MessageChannel } = await import('node:worker_threads');
  const { boundedPorts } = await import('../../workers/bounded-ports.js');
  const { SEND_WINDOW_MESSAGES } = await import('../../sdk/kernel/send-credit.js');
  const channels = [new MessageChannel(), new MessageChannel(), new MessageChannel()] as const;
  // The receiver's count of messages taken: held at 0 until the test lets the window open.
  const credit = new SharedArrayBuffer(4);
  const ports = boundedPorts({ control: channels[0].port1, api: channels[1].port1, events: channels[2].port1 }, { plugin: 'hostile', maxBytes: MB, credit });
  const heard: unknown[] = [];
  const all = new Promise<void>((resolve) => {
    channels[1].port2.on('message', (value: unknown) => {
      heard.push(value);
      if (heard.length === SEND_WINDOW_MESSAGES + 2) resolve();
    });
  });
  try {
    for (let i = 0; i < SEND_WINDOW_MESSAGES; i++) ports.api.postMessage(i);
    const changed = new Uint8Array([1, 2, 3]);
    const detached = new Uint8Array([4, 5, 6]);
    ports.api.postMessage({ changed });
    ports.api.postMessage({ detached });
    changed[0] = 99;
    structuredClone(detached.buffer, { transfer: [detached.buffer] });
    Atomics.add(new Int32Array(credit), 0, SEND_WINDOW_MESSAGES);
    await all;
    assert.deepEqual(Array.from((heard[SEND_WINDOW_MESSAGES] as { changed: Uint8Array }).changed), [1, 2, 3]);
    assert.deepEqual(Array.from((heard[SEND_WINDOW_MESSAGES + 1] as { detached: Uint8Array }).detached), [4, 5, 6]);
  } finally {
    for (const channel of channels) channel.port1.close();
  }
});

test('for the data a plugin may send, the copy crosses as structured clone of the value itself would: shared and cyclic references, Map keys, views, errors and their causes, sparse arrays with named keys', () => {
  const shared = { s: 1 };
  const cyclic: Record<string, unknown> = { name: 'c' };
  cyclic.self = cyclic;
  const buffer = new ArrayBuffer(16);
  const sparse = Object.assign([1, , 3], { label: 'x' });
  const value = {
    date: new Date(1234567890), map: new Map<unknown, unknown>([[{ k: 1 }, 'v'], ['a', shared]]), set: new Set([1, 'two', shared]),
    u8: new Uint8Array([1, 2, 3]), f64: new Float64Array([1.5, -0, NaN]).subarray(1), view: new DataView(buffer, 4, 8), buffer,
    error: new TypeError('bad', { cause: new RangeError('inner', { cause: 5 }) }), regexp: /a+b/gi, cyclic, shared, again: shared,
    sparse, negativeZero: -0, big: 12345678901234567890n, missing: undefined, nested: [[[{ deep: true }]]],
  };
  const crossed = structuredClone(boundedCopy(value, limits).copy) as typeof value;
  assert.deepStrictEqual(crossed, structuredClone(value));
  assert.equal(crossed.again, crossed.shared);
  assert.equal(crossed.cyclic.self, crossed.cyclic);
  assert.ok(crossed.set.has(crossed.shared));
  assert.equal(crossed.view.buffer, crossed.buffer);
  assert.ok(crossed.error instanceof TypeError && crossed.error.cause instanceof RangeError);
  assert.equal(crossed.error.stack, value.error.stack);
});
