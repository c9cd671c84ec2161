/**
 * Task threads follow their plugin's isolation. A task that aborts V8 with a fatal
 * out-of-memory (nodejs/node#47224) ends the process its thread runs in: with
 * workerHost "plugin-host" that is the plugin's plugin-host process, for
 * `isolation: "process"` the plugin's task process (under its flags and OS wall); never
 * the application (this test process embeds the runtime), and the next task runs in a
 * new one.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isPaddockError, type StateChange } from '../runtime/index.js';
import { testRuntime, waitFor, type TestRuntime } from './helpers.js';

const BOMB = { url: './task-heap-bomb.mjs', limits: { maxOldGenerationSizeMb: 128 }, pool: { size: 1 } };

let t: TestRuntime;
const changes: StateChange[] = [];

before(async () => {
  t = testRuntime({ workerHost: 'plugin-host', limits: { restartBackoffMs: 100, maxRestartBackoffMs: 400 } });
  t.runtime.on('plugin:state', (change) => changes.push(change));
  await t.runtime.load({ url: './probe.mjs', id: 'bystander' });
  await t.runtime.load({ ...BOMB, id: 'tbomb' });
});
after(() => t.close());

/** The task's error: the process its thread ran in aborted (or, where V8 contained it, its thread ran out of memory). */
const outOfMemory = (plugin: string, where: string) => (error: unknown): boolean => {
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_WORKER_EXITED'), String(error));
  const message = (error as Error).message;
  assert.match(message, new RegExp(`^plugin "${plugin}": task "(fill|push)" was cut short because `));
  assert.match(message, new RegExp(`ended with its ${where}, which aborted: V8 fatal out of memory|ran out of memory \\(in a task thread`));
  return true;
};

for (const task of ['fill', 'push'] as const) {
  test(`a task that aborts V8 (${task}) ends its plugin-host process, not the application; the others go on and the next task runs`, { timeout: 180_000 }, async () => {
    assert.equal(await t.runtime.runTask('tbomb', 'add', { a: 1, b: 2 }), 3);
    assert.equal(await t.runtime.invoke('bystander', 'echo', 'before'), 'before');
    await assert.rejects(t.runtime.runTask('tbomb', task), outOfMemory('tbomb', 'plugin-host process'));
    // Still here: this test process embeds the runtime. The bystander answers (after its restart, if it shared the process).
    assert.equal(await t.runtime.invoke('bystander', 'echo', 'after'), 'after');
    await waitFor(() => t.runtime.get('tbomb')?.state === 'running', 30_000, 'tbomb to run again');
    assert.equal(await t.runtime.runTask('tbomb', 'add', { a: 20, b: 22 }), 42, 'the next task starts a pool in the new plugin-host process');
    assert.equal(await t.runtime.invoke('tbomb', 'echo', 'back'), 'back');
  });
}

test('the plugin whose task aborted the shared process is named, and moved into a plugin-host process of its own', () => {
  const aborted = changes.filter((c) => c.to === 'crashed' && /aborted: V8 fatal out of memory/.test(c.reason ?? ''));
  if (aborted.length === 0) return; // V8 contained both (ERR_WORKER_OUT_OF_MEMORY): nothing was aborted
  const first = aborted.find((c) => c.id === 'bystander');
  if (first) assert.match(first.reason ?? '', /likely caused by plugin "tbomb"|ended with its plugin-host process/);
  assert.ok(t.logs.has(/plugin isolated in a plugin-host process of its own/), 'tbomb is isolated after its abort');
  assert.equal(t.runtime.get('bystander')?.state, 'running');
});

test('isolation "process": a task that aborts V8 ends the plugin\'s task process; the plugin and the application go on', { timeout: 180_000 }, async () => {
  const r = testRuntime({ workerHost: 'in-process' });
  const states: StateChange[] = [];
  r.runtime.on('plugin:state', (change) => states.push(change));
  try {
    await r.runtime.load({ ...BOMB, id: 'pbomb', isolation: 'process' });
    for (const task of ['fill', 'push'] as const) {
      assert.equal(await r.runtime.runTask('pbomb', 'add', { a: 1, b: 2 }), 3);
      await assert.rejects(r.runtime.runTask('pbomb', task), outOfMemory('pbomb', 'task process'));
      assert.equal(await r.runtime.runTask('pbomb', 'add', { a: 20, b: 22 }), 42, 'the next task starts a new task process');
    }
    // The plugin's own process was never touched: its tasks run in a process of their own.
    assert.deepEqual(states.filter((c) => c.id === 'pbomb' && c.to === 'crashed'), []);
    assert.equal(await r.runtime.invoke('pbomb', 'echo', 'still here'), 'still here');
  } finally {
    await r.close();
  }
});

test('a result that crosses from a plugin-host or task process is capped at caps.maxCallBytes, before it crosses', async () => {
  for (const [workerHost, isolation] of [['plugin-host', 'worker'], ['in-process', 'process']] as const) {
    const r = testRuntime({ workerHost, caps: { maxCallBytes: 4_096 } });
    try {
      await r.runtime.load({ url: './task-heap-bomb.mjs', id: 'big', isolation, pool: { size: 1 } });
      assert.equal(await r.runtime.runTask('big', 'big', { bytes: 1_000 }), 'x'.repeat(1_000));
      await assert.rejects(r.runtime.runTask('big', 'big', { bytes: 100_000 }), (error: unknown) => {
        assert.ok(isPaddockError(error, 'PADDOCK_ERR_CAP_EXCEEDED'), String(error));
        assert.match((error as Error).message, /^plugin "big": the result of task "big" went over caps\.maxCallBytes \(more than 4096 bytes\)$/);
        return true;
      }, `${workerHost} / ${isolation}`);
      assert.equal(await r.runtime.runTask('big', 'add', { a: 1, b: 1 }), 2, 'the pool goes on');
    } finally {
      await r.close();
    }
  }
});
