/**
 * Errors from a plugin's threads are bounded before the host holds, logs or quotes them
 * (review of issue 12): a plugin that throws a 5 MB name, message, stack and code, or a
 * task that throws one with causes repeating it, costs the host a few KB per field.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { StateChange } from '../../runtime/index.js';
import { nextState, testRuntime } from '../helpers.js';

const BYTES = 5_000_000;

for (const workerHost of ['plugin-host', 'in-process'] as const) {
  test(`an uncaught 5 MB error is cut before it is logged or quoted (workerHost ${workerHost})`, async () => {
    const t = testRuntime({ workerHost, limits: { restartBackoffMs: 50 } });
    const crashes: StateChange[] = [];
    t.runtime.on('plugin:state', (change) => {
      if (change.to === 'crashed') crashes.push(change);
    });
    try {
      await t.runtime.load({ url: './fault-probe.mjs', id: 'thrower' });
      const crashed = nextState(t.runtime, 'thrower', 'crashed', 15_000);
      await t.runtime.invoke('thrower', 'throwHuge', { bytes: BYTES });
      await crashed;
      const reason = String(crashes[0]!.reason);
      assert.match(reason, /threw an uncaught error: U+…: U+…/);
      assert.ok(reason.length < 40_000, `the crash reason is cut (${reason.length} chars)`);
      const logged = t.logs.lines.map((l) => JSON.stringify(l).length);
      assert.ok(Math.max(...logged) < 200_000, `no log line carries the whole error (longest ${Math.max(...logged)} chars)`);
    } finally {
      await t.close();
    }
  });

  test(`a task's 5 MB error with repeated causes reaches the host cut (workerHost ${workerHost})`, async () => {
    const t = testRuntime({ workerHost });
    try {
      await t.runtime.load({ url: './task-heap-bomb.mjs', id: 'errs', pool: { size: 1 } });
      const error = await t.runtime.runTask('errs', 'hugeError', { bytes: BYTES }).then(() => undefined, (e: unknown) => e as Error & { code?: string; details?: Record<string, unknown> });
      assert.ok(error, 'the task failed');
      let size = 0;
      for (let e: unknown = error; e instanceof Error; e = e.cause) size += e.message.length + (e.stack?.length ?? 0) + e.name.length + String((e as { code?: unknown }).code ?? '').length + JSON.stringify((e as { details?: unknown }).details ?? {}).length;
      assert.ok(size < 1_000_000, `what reached the host is cut (${size} chars in the error and its causes)`);
      assert.equal(await t.runtime.runTask('errs', 'add', { a: 1, b: 2 }), 3, 'the pool goes on');
    } finally {
      await t.close();
    }
  });
}
