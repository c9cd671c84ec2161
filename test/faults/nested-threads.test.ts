/**
 * A plugin's nested workers are bounded by construction (issue 11 item 3, issue 12
 * "memory not seen"): at most limits.maxNestedWorkers run at once, a nested worker
 * starts none, and the memory they hold outside the V8 heap counts against the plugin's
 * maxExternalMemoryMb.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPaddockError } from '../../runtime/index.js';
import { nextState, testRuntime } from '../helpers.js';

test('nested workers stop at limits.maxNestedWorkers; one more can start when one exits', async () => {
  const t = testRuntime();
  try {
    await t.runtime.load({ url: './nested-threads/plugin.mjs', id: 'threads', limits: { maxNestedWorkers: 2 } });
    assert.deepEqual(await t.runtime.invoke('threads', 'start', { mb: 1 }), { started: true, running: 1 });
    assert.deepEqual(await t.runtime.invoke('threads', 'start', { mb: 1 }), { started: true, running: 2 });
    const refused = await t.runtime.invoke('threads', 'start', { mb: 1 }) as { started: boolean; code: string; message: string };
    assert.equal(refused.started, false);
    assert.equal(refused.code, 'PADDOCK_ERR_THREAD_LIMIT');
    assert.match(refused.message, /plugin "threads" already runs 2 nested workers, its limit \(limits\.maxNestedWorkers\)/);
    assert.equal(await t.runtime.invoke('threads', 'stopOne'), 1);
    // The slot comes back when the thread's end of the gate's channel closes.
    let again: { started: boolean } = { started: false };
    for (let i = 0; i < 50 && !again.started; i++) {
      again = await t.runtime.invoke('threads', 'start', { mb: 1 }) as { started: boolean };
      if (!again.started) await new Promise((resolve) => setTimeout(resolve, 100));
    }
    assert.equal(again.started, true, 'a new nested worker could start after one exited');
  } finally {
    await t.close();
  }
});

test('memory held by nested workers counts against the plugin\'s maxExternalMemoryMb', async () => {
  const t = testRuntime();
  try {
    // 3 × 40 MB in nested workers against a 96 MB limit; the plugin's own thread holds little.
    await t.runtime.load({ url: './nested-threads/plugin.mjs', id: 'holder', limits: { maxExternalMemoryMb: 96 } });
    const crashed = nextState(t.runtime, 'holder', 'crashed', 60_000);
    const outcome = (async () => {
      for (let i = 0; i < 3; i++) await t.runtime.invoke('holder', 'start', { mb: 40 });
    })().catch((error: unknown) => error);
    await crashed;
    const error = await outcome;
    if (error !== undefined) assert.ok(isPaddockError(error, 'PADDOCK_ERR_WORKER_EXITED') || isPaddockError(error, 'PADDOCK_ERR_RESOURCE_LIMIT'), String(error));
    assert.ok(t.logs.has(/went past limits\.maxExternalMemoryMb \(96 MB\)/, 'holder'), 'the limit was named in the log');
  } finally {
    await t.close();
  }
});
