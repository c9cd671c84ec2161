/**
 * Liveness from facts the plugin cannot write (issue 11 item 3, issue 12 "busy is not
 * blocked"): a worker's loop counts as turning when Node's own idle-time reading of it
 * moves, or when the runtime's code in the worker answers a ping on a channel no plugin
 * code can reach. A plugin that hooks the MessagePort prototypes to get hold of that
 * channel, hands what it got to a nested worker and blocks its own loop is still seen
 * blocked; a plugin busy with a chain of immediates is not.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker, MessageChannel } from 'node:worker_threads';
import { fixture, nextState, testRuntime } from '../helpers.js';

test('the prototype hooks that hand a bare worker its ports are refused in a plugin\'s thread', async () => {
  // Where nothing is locked, the hooks see a port the thread was given.
  const worker = new Worker(fixture('port-hooks/bare-worker.mjs'));
  try {
    const { port1, port2 } = new MessageChannel();
    worker.postMessage({ port: port2 }, [port2]);
    const report = new Promise<{ installed: number; stolen: number }>((resolve) => worker.once('message', resolve));
    port1.postMessage('hello');
    const bare = await report;
    assert.ok(bare.stolen >= 1, `a bare worker's hooks saw ${bare.stolen} ports`);
    port1.close();
  } finally {
    await worker.terminate();
  }

  const t = testRuntime();
  try {
    await t.runtime.load({ url: './port-hooks/plugin.mjs', id: 'hooker' });
    // Events, calls and log lines all cross the plugin's ports before the count is taken.
    await t.runtime.invoke('hooker', 'hooks');
    const outcome = await t.runtime.invoke('hooker', 'hooks') as { installed: number; refused: number; stolen: number };
    assert.equal(outcome.stolen, 0, 'no port of the runtime reached plugin code');
    assert.ok(outcome.refused > 0, 'the hooks on the port prototypes were refused');
  } finally {
    await t.close();
  }
});

test('a plugin that forges its liveness from a nested worker and blocks its loop is stopped as blocked', async () => {
  const t = testRuntime();
  try {
    await t.runtime.load({ url: './port-hooks/plugin.mjs', id: 'forger', limits: { blockTimeoutMs: 600 } });
    const crashed = nextState(t.runtime, 'forger', 'crashed');
    await t.runtime.invoke('forger', 'forgeAndBlock', { ms: 20_000 });
    await crashed;
    assert.ok(t.logs.has(/event loop blocked for \d+ ms/, 'forger'));
  } finally {
    await t.close();
  }
});

test('a plugin busy with a chain of immediates (its loop never waits) is not taken for blocked', async () => {
  const t = testRuntime();
  try {
    await t.runtime.load({ url: './port-hooks/plugin.mjs', id: 'spinner', limits: { blockTimeoutMs: 600 } });
    await t.runtime.invoke('spinner', 'busy', { ms: 3_000 });
    await new Promise((resolve) => setTimeout(resolve, 3_500));
    assert.ok(!t.logs.has(/event loop blocked/, 'spinner'), 'the busy plugin was taken for blocked');
    const info = t.runtime.get('spinner')!;
    assert.equal(info.restarts, 0);
    assert.equal(info.state, 'running');
  } finally {
    await t.close();
  }
});
