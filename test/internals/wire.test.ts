import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findUncloneable } from '../../sdk/kernel/cloneable.js';
import { LogStore } from '../../runtime/logging/log-store.js';
import { apiRequestSchema } from '../../runtime/transport/wire-schemas.js';

test('findUncloneable names the first value that would not survive a copy', () => {
  assert.equal(findUncloneable({ a: [1, 'x', null, new Date(), new Map([[1, { b: 2 }]]), new Uint8Array(2)] }), undefined);
  assert.deepEqual(findUncloneable({ a: { b: [0, () => 1] } }), ['a.b[1]', 'a function']);
  assert.deepEqual(findUncloneable(new Map([['k', Symbol('s')]])), ['<value 0>', 'a symbol']);
  class Thing { run() {} }
  assert.deepEqual(findUncloneable({ t: new Thing() }), ['t', 'an instance of class Thing']);
  const cyclic: Record<string, unknown> = { n: 1 };
  cyclic.self = cyclic;
  assert.equal(findUncloneable(cyclic), undefined);
});

test('the log store keeps the newest entries and answers queries oldest first', () => {
  const store = new LogStore(5);
  for (let i = 0; i < 8; i++) store.append({ timeStamp: i, processId: i % 2 ? 'odd' : 'even', category: 'c', severity: 'info', text: String(i) });
  assert.equal(store.size, 5);
  assert.deepEqual(store.query().map((i) => i.text), ['3', '4', '5', '6', '7']);
  assert.deepEqual(store.query({ processId: 'odd' }).map((i) => i.text), ['3', '5', '7']);
  assert.deepEqual(store.query({ startTimeStamp: 5, endTimeStamp: 6 }).map((i) => i.text), ['5', '6']);
  assert.deepEqual(store.query({ nRows: 2 }).map((i) => i.text), ['6', '7']);
});

test('only plain APPLY calls of the three host methods pass the api gate', () => {
  const ok = { id: '1', type: 'APPLY', path: ['call'], argumentList: [{ type: 'RAW', value: 't' }] };
  assert.equal(apiRequestSchema.safeParse(ok).success, true);
  for (const bad of [
    { ...ok, type: 'GET' },
    { ...ok, type: 'SET', value: { type: 'RAW', value: 1 } },
    { ...ok, path: ['call', 'constructor'] },
    { ...ok, path: ['__proto__'] },
    { ...ok, argumentList: [{ type: 'HANDLER', name: 'proxy', value: null }] },
    { ...ok, type: 'RELEASE' },
  ]) assert.equal(apiRequestSchema.safeParse(bad).success, false, JSON.stringify(bad));
});
