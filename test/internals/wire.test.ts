import assert from 'node:assert/strict';
import { test } from 'node:test';
import { findUncloneable } from '../../sdk/kernel/cloneable.js';
import { LogStore } from '../../runtime/logging/log-store.js';
import { apiRequestSchema, checkReply, startReportSchema, stopReportSchema } from '../../runtime/transport/wire-schemas.js';

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

test('a start report is checked before it drives the host: actions, tasks, tasks module, subscriptions', () => {
  const good = {
    meta: { name: 'p' }, actions: [{ name: 'a', description: 'an action', params: { type: 'object' } }],
    tasks: [{ name: 't', timeoutMs: 1000 }], tasksModule: 'file:///plugins/p/tasks.js', collector: { kind: 'monitor', interval: 5 },
    subscriptions: ['news'], exportName: 'default', hooks: { validate: false, configure: true },
  };
  assert.deepEqual(checkReply('p', 'start', startReportSchema, good), good);
  const refused = (report: object) => {
    try {
      checkReply('p', 'start', startReportSchema, { ...good, ...report });
    } catch (error) {
      assert.equal((error as { code?: string }).code, 'PADDOCK_ERR_PROTOCOL');
      return (error as Error).message;
    }
    assert.fail(`accepted ${JSON.stringify(report)}`);
  };
  assert.match(refused({ subscriptions: 'news' }), /plugin "p".*start answered with a malformed value: subscriptions: /);
  assert.match(refused({ subscriptions: ['x'.repeat(201)] }), /subscriptions\[0\]/);
  assert.match(refused({ tasksModule: 'data:text/javascript,export const tasks = {}' }), /tasksModule/);
  assert.match(refused({ actions: [{ name: 'a', run: 'code' }] }), /actions\[0\]: unknown key "run"/);
  assert.match(refused({ tasks: [{ name: '' }] }), /tasks\[0\]\.name/);
  assert.match(refused({ collector: { kind: 'sometimes' } }), /collector\.kind/);
  assert.match(refused({ hooks: undefined }), /hooks/);
  assert.match(refused({ extra: 1 }), /unknown key "extra"/);
  assert.deepEqual(checkReply('p', 'cleanup()', stopReportSchema, { cleanup: true }), { cleanup: true });
  assert.throws(() => checkReply('p', 'cleanup()', stopReportSchema, { cleanup: 'yes' }), /cleanup\(\) answered with a malformed value: cleanup: /);
});
