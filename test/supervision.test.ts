import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isPaddockError, type StateChange } from '../runtime/index.js';
import { nextState, testRuntime, waitFor, type TestRuntime } from './helpers.js';

let t: TestRuntime;
const changes: Array<StateChange & { at: number }> = [];

before(async () => {
  t = testRuntime({ limits: { restartBackoffMs: 100, maxRestartBackoffMs: 1000, stopTimeoutMs: 1000 } });
  t.runtime.on('plugin:state', (change) => changes.push({ ...change, at: Date.now() }));
  await t.runtime.load({ url: './probe.mjs', id: 'bystander', options: { subscribe: ['tick'] } });
});
after(() => t.close());

const statesOf = (id: string) => changes.filter((c) => c.id === id).map((c) => c.to);

test('a plugin that keeps crashing is restarted with growing backoff, then marked failed', async () => {
  // The crash comes 400 ms after configure(): after "running" even on a loaded machine.
  const failed = nextState(t.runtime, 'crasher', 'failed');
  await t.runtime.load({ url: './probe.mjs', id: 'crasher', options: { crashAfterMs: 400 }, limits: { maxRestarts: 2 } });
  await failed;
  assert.deepEqual(statesOf('crasher'), [
    'starting', 'running', 'crashed', 'starting', 'running', 'crashed', 'starting', 'running', 'crashed', 'failed',
  ]);
  const crasher = changes.filter((c) => c.id === 'crasher');
  const delays = crasher.flatMap((c, i) => (c.to === 'crashed' && crasher[i + 1]?.to === 'starting' ? [crasher[i + 1]!.at - c.at] : []));
  assert.equal(delays.length, 2);
  assert.ok(delays[0]! >= 95 && delays[1]! >= 195, `backoff should double from 100 ms, got ${delays.join(', ')}`);
  const info = t.runtime.get('crasher')!;
  assert.equal(info.restarts, 2);
  assert.equal(info.lastError?.code, 'PADDOCK_ERR_START_FAILED');
  assert.match(info.lastError?.message ?? '', /crashed 3 times in a row \(limits\.maxRestarts 2\); last: threw an uncaught error: Error: probe crashed on purpose/);
  assert.ok(t.logs.has(/plugin crashed: its worker threw an uncaught error: Error: probe crashed on purpose/, 'crasher'));
  assert.equal(t.runtime.get('bystander')?.state, 'running', 'other plugins go on');
  assert.equal(await t.runtime.invoke('bystander', 'echo', 'ok'), 'ok');
  await assert.rejects(t.runtime.invoke('crasher', 'echo', 1), (e: unknown) => isPaddockError(e, 'PADDOCK_ERR_PLUGIN_NOT_RUNNING'));
});

test('an unhandled rejection is logged with the plugin name and the plugin is restarted', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'rejecter' });
  const restarted = nextState(t.runtime, 'rejecter', 'crashed').then(() => nextState(t.runtime, 'rejecter', 'running'));
  await t.runtime.invoke('rejecter', 'rejectUnhandled');
  await restarted;
  assert.ok(t.logs.has(/plugin crashed: .*unhandled rejection in probe/, 'rejecter'));
  assert.equal(t.runtime.get('rejecter')?.restarts, 1);
});

test('a blocked event loop is detected by the heartbeat, terminated and restarted', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'blocker', limits: { blockTimeoutMs: 400 } });
  const crashed = nextState(t.runtime, 'blocker', 'crashed');
  const running = crashed.then(() => nextState(t.runtime, 'blocker', 'running'));
  await t.runtime.invoke('blocker', 'block');
  await crashed;
  const change = changes.filter((c) => c.id === 'blocker' && c.to === 'crashed').at(-1)!;
  assert.match(change.reason ?? '', /^its event loop was blocked for \d+ ms$/);
  await running;
  assert.equal(await t.runtime.invoke('blocker', 'echo', 'back'), 'back');
});

test('running out of heap restarts the plugin, not the host', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'hog', limits: { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 4 } });
  const crashed = nextState(t.runtime, 'hog', 'crashed');
  const running = crashed.then(() => nextState(t.runtime, 'hog', 'running'));
  await t.runtime.invoke('hog', 'allocate');
  await crashed;
  const change = changes.filter((c) => c.id === 'hog' && c.to === 'crashed').at(-1)!;
  assert.match(change.reason ?? '', /ran out of memory/);
  await running;
  assert.equal(await t.runtime.invoke('bystander', 'echo', 'host alive'), 'host alive');
});

test('calls in flight are rejected at once when the worker dies', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'quitter', limits: { callTimeoutMs: 60_000 } });
  const hanging = t.runtime.invoke('quitter', 'hang').then(() => undefined, (e: unknown) => e);
  const started = Date.now();
  await t.runtime.invoke('quitter', 'exit', 3);
  const error = await hanging;
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_WORKER_EXITED'), String(error));
  assert.equal((error as Error).message, 'plugin "quitter": action "hang" was cut short because the plugin\'s worker exited with code 3');
  assert.ok(Date.now() - started < 30_000, 'rejected long before the call timeout');
});

test('events emitted while a plugin restarts are delivered to the new instance; invoke waits for it', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'phoenix', options: { subscribe: ['tick'] } });
  const crashed = nextState(t.runtime, 'phoenix', 'crashed');
  await t.runtime.invoke('phoenix', 'exit', 1);
  await crashed;
  t.runtime.emit('tick', 'during restart');
  assert.equal(t.runtime.get('phoenix')?.state, 'crashed');
  assert.equal(await t.runtime.invoke('phoenix', 'echo', 'waited'), 'waited');
  assert.equal(t.runtime.get('phoenix')?.restarts, 1);
  await t.runtime.drain('phoenix');
  assert.deepEqual(await t.runtime.invoke('phoenix', 'events'), [['tick', 'during restart']]);
});

test('stop runs cleanup(); a cleanup that hangs is cut off after stopTimeoutMs', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'tidy' });
  await t.runtime.unload('tidy');
  assert.ok(t.logs.has('cleanup ran for tidy', 'tidy'));
  await t.runtime.load({ url: './probe.mjs', id: 'stuck', options: { hangCleanup: true }, limits: { stopTimeoutMs: 300 } });
  await t.runtime.unload('stuck');
  assert.ok(t.logs.has(/cleanup\(\) did not finish cleanly: plugin "stuck": cleanup\(\) did not finish within 300 ms/, 'stuck'));
  assert.equal(t.runtime.get('stuck'), undefined);
});

test('console output of a plugin lands in the host log under its name', async () => {
  await t.runtime.invoke('bystander', 'consoleLog', 'printed by the plugin');
  await waitFor(() => t.logs.has('printed by the plugin', 'bystander') && t.logs.has('err: printed by the plugin', 'bystander'), 5000, 'the output lines');
  const out = t.logs.lines.find((l) => l.msg === 'printed by the plugin' && l.plugin === 'bystander');
  const err = t.logs.lines.find((l) => l.msg === 'err: printed by the plugin' && l.plugin === 'bystander');
  assert.equal(out?.level, 30);
  assert.equal(err?.level, 40);
});
