/** Heartbeat-style collectors in real plugin workers: info cached and refreshed, monitors on an interval. */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import type { CollectedResult } from '../runtime/index.js';
import { nextState, testRuntime, waitFor, type TestRuntime } from './helpers.js';

let t: TestRuntime;
const results: CollectedResult[] = [];
const of = (id: string) => results.filter((r) => r.id === id);

before(() => {
  t = testRuntime();
  t.runtime.on('plugin:info', (r) => results.push(r));
  t.runtime.on('plugin:monitor', (r) => results.push(r));
});
after(() => t.close());

test('an info plugin is collected once after start and cached; refreshInfo() collects it again', async () => {
  await t.runtime.load({ url: './info-plugin.mjs', id: 'facts' });
  await waitFor(() => of('facts').length === 1, 5000, 'the first collection');
  const first = of('facts')[0]!;
  assert.equal(first.kind, 'info');
  assert.deepEqual(first.data, { collections: 1, initialized: 1, platform: process.platform });
  assert.equal(first.error, undefined);
  assert.deepEqual(t.runtime.get('facts')?.collector, { kind: 'info' });
  assert.deepEqual(t.runtime.collected('facts'), first, 'the cached result');
  assert.equal(await t.runtime.invoke('facts', 'collections'), 1, 'collected once, not again on its own');

  const refreshed = await t.runtime.refreshInfo();
  assert.deepEqual(refreshed.facts?.data, { collections: 2, initialized: 1, platform: process.platform }, 'initialize() ran once only');
  assert.deepEqual(t.runtime.collected('facts'), refreshed.facts);
  assert.equal(of('facts').length, 2, 'the new result was emitted too');
  await t.runtime.unload('facts');
  assert.equal(t.runtime.collected('facts'), undefined, 'the cache goes with the plugin');
});

test('a collect() that throws gives { error } data; results that are not JSON or too large are refused clearly', async () => {
  await Promise.all([
    t.runtime.load({ url: './info-plugin.mjs', id: 'throws', options: { mode: 'throws' } }),
    t.runtime.load({ url: './info-plugin.mjs', id: 'map', options: { mode: 'map' } }),
    t.runtime.load({ url: './info-plugin.mjs', id: 'huge', options: { mode: 'huge' }, collector: { maxResultBytes: 1024 } }),
  ]);
  await waitFor(() => ['throws', 'map', 'huge'].every((id) => of(id).length === 1), 5000, 'the three collections');
  const [throws, map, huge] = ['throws', 'map', 'huge'].map((id) => of(id)[0]!);
  assert.deepEqual(throws!.data, { error: 'no facts today' });
  assert.equal(throws!.error?.code, 'PADDOCK_ERR_PLUGIN_THREW');
  assert.equal(map!.error?.code, 'PADDOCK_ERR_COLLECT_NOT_JSON');
  assert.match(String((map!.data as { error: string }).error), /collect\(\) returned a value that is not JSON: seen is an instance of Map/);
  assert.equal(huge!.error?.code, 'PADDOCK_ERR_COLLECT_TOO_LARGE');
  assert.match(huge!.error!.message, /returned 100011 bytes of JSON, more than the limit of 1024 \(collector\.maxResultBytes\)/);
  assert.ok(t.logs.has(/collection failed: plugin "map": collect\(\) returned a value that is not JSON/, 'map'));
  for (const id of ['throws', 'map', 'huge']) assert.equal(t.runtime.get(id)?.state, 'running', 'the plugin goes on');
  await Promise.all(['throws', 'map', 'huge'].map((id) => t.runtime.unload(id)));
});

test('a monitor is collected every interval, and skips a tick while its collection is still running', async () => {
  // Collections take 150 ms, ticks come every 40 ms: most ticks find one running.
  await t.runtime.load({ url: './monitor-plugin.mjs', id: 'gauge', options: { collectMs: 150 }, collector: { interval: 0.04, timeoutMs: 5000 } });
  await waitFor(() => of('gauge').length >= 3, 10_000, 'three measurements');
  assert.equal((await t.runtime.invoke('gauge', 'stats') as { maxRunning: number }).maxRunning, 1, 'collections never overlapped');
  await t.runtime.unload('gauge');
  const measured = of('gauge');
  assert.deepEqual(measured.slice(0, 3).map((r) => r.data), [{ count: 1 }, { count: 2 }, { count: 3 }]);
  assert.ok(measured.slice(1).some((r) => r.skipped > 0), `ticks were skipped: ${measured.map((r) => r.skipped).join(', ')}`);
  assert.ok(measured.every((r) => r.kind === 'monitor' && r.error === undefined));
});

test('a collection slower than its timeout is abandoned and reported, and collecting goes on', async () => {
  await t.runtime.load({ url: './monitor-plugin.mjs', id: 'slow', options: { collectMs: 2000 }, collector: { interval: 0.1, timeoutMs: 100 } });
  await waitFor(() => of('slow').length >= 2, 10_000, 'two abandoned collections');
  await t.runtime.unload('slow');
  for (const result of of('slow').slice(0, 2)) {
    assert.equal(result.error?.code, 'PADDOCK_ERR_COLLECT_TIMEOUT');
    assert.deepEqual(result.data, { error: 'plugin "slow": collect() did not finish within 100 ms; the collection was abandoned' });
  }
  assert.ok(t.logs.has(/collection failed: plugin "slow": collect\(\) did not finish within 100 ms; the collection was abandoned/, 'slow'));
});

test('collector.enabled false loads the plugin without collecting; a restarted collector collects again', async () => {
  await t.runtime.load({ url: './info-plugin.mjs', id: 'quiet', collector: { enabled: false } });
  assert.equal(await t.runtime.invoke('quiet', 'collections'), 0);
  assert.deepEqual(await t.runtime.refreshInfo(), {});
  await t.runtime.unload('quiet');

  await t.runtime.load({ url: './info-plugin.mjs', id: 'again' });
  await waitFor(() => of('again').length === 1, 5000, 'the first collection');
  const running = nextState(t.runtime, 'again', 'running');
  await t.runtime.reload('again');
  await running;
  await waitFor(() => of('again').length === 2, 5000, 'a collection of the new instance');
  assert.deepEqual(of('again')[1]!.data, { collections: 1, initialized: 1, platform: process.platform });
  await t.runtime.unload('again');
});
