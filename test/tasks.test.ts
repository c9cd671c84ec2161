/** Stateless tasks in a real piscina pool per plugin: results, progress, cancellation, deadlines, a bounded queue. */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isPaddockError, type PaddockError } from '../runtime/index.js';
import { startPlugin } from '../runtime/testing/harness.js';
import { fixture, testRuntime, waitFor, type TestRuntime } from './helpers.js';

let t: TestRuntime;

before(async () => {
  t = testRuntime();
  // One thread, one waiting task: small enough to fill; a short grace for stubborn tasks.
  await t.runtime.load({ url: './tasks-plugin.ts', id: 'tp', pool: { size: 1, queueLimit: 1, cancelGraceMs: 200 } });
});
after(() => t.close());

/** An assert.rejects check: the error has this code, and its message matches `message` when given. */
const code = (expected: string, message?: RegExp) => (error: unknown): boolean => {
  assert.ok(isPaddockError(error), String(error));
  assert.equal((error as PaddockError).code, expected, (error as Error).message);
  if (message) assert.match((error as Error).message, message);
  return true;
};

/** Start a task that runs until cancelled; resolves once it is running (its first progress report). */
async function startWaiting(mark: string, signal?: AbortSignal): Promise<{ task: Promise<unknown> }> {
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const task = t.runtime.runTask('tp', 'wait', { mark }, { ...(signal ? { signal } : {}), onProgress: () => started() });
  task.catch(() => undefined);
  await Promise.race([running, task]);
  return { task };
}

test('the plugin lists its tasks with their params; a task runs in the pool and returns its result', async () => {
  const info = t.runtime.get('tp')!;
  const add = info.tasks.find((task) => task.name === 'add')!;
  assert.equal(add.description, 'Add two numbers');
  assert.deepEqual(Object.keys((add.params as { properties: object }).properties), ['a', 'b']);
  assert.equal(info.tasks.find((task) => task.name === 'slow')?.timeoutMs, 150);
  assert.equal(await t.runtime.runTask('tp', 'add', { a: 2, b: 3 }), 5);
  assert.equal(await t.runtime.invoke('tp', 'ping'), 'pong', 'the plugin\'s own worker answers its actions meanwhile');
});

test('progress reports arrive in order, all before the result', async () => {
  const seen: Array<{ value: number; message?: string }> = [];
  let resultAt = -1;
  const result = await t.runtime.runTask('tp', 'steps', { n: 20 }, { onProgress: (p) => seen.push(p) }).then((value) => {
    resultAt = seen.length;
    return value;
  });
  assert.equal(result, 20);
  assert.equal(resultAt, 20, 'every report came before the result');
  assert.deepEqual(seen.map((p) => p.value), Array.from({ length: 20 }, (_, i) => (i + 1) / 20));
  assert.equal(seen[4]!.message, 'step 5 of 20');
});

test('progress is bounded in count: 200,000 reports in a tight loop reach the caller as about a hundred, the last one before the result', async () => {
  const seen: number[] = [];
  let resultAt = -1;
  const result = await t.runtime.runTask('tp', 'steps', { n: 200_000 }, { onProgress: (p) => seen.push(p.value) }).then((value) => {
    resultAt = seen.length;
    return value;
  });
  assert.equal(result, 200_000);
  // A burst of 100 goes out as made; the rest of a synchronous loop waits, the newest replacing the older.
  assert.ok(seen.length > 1 && seen.length <= 110, `${seen.length} reports reached the caller`);
  assert.equal(resultAt, seen.length, 'every report came before the result');
  assert.equal(seen.at(-1), 1, 'the last report made is the last one heard');
  assert.deepEqual([...seen].sort((x, y) => x - y), seen, 'in the order they were made');
});

test('a task cancelled mid-run sees its AbortSignal, and the caller gets PADDOCK_ERR_TASK_CANCELLED', async () => {
  const controller = new AbortController();
  const { task } = await startWaiting('cancelled-mid-run', controller.signal);
  controller.abort();
  await assert.rejects(task, code('PADDOCK_ERR_TASK_CANCELLED'));
  const mark = join(t.dataDir, 'tp', 'cancelled-mid-run');
  assert.ok(existsSync(mark), 'the task saw the abort and left its mark');
  assert.match(readFileSync(mark, 'utf8'), /task "wait" was cancelled: the caller aborted it/);
  assert.equal(await t.runtime.runTask('tp', 'add', { a: 1, b: 1 }), 2, 'the pool goes on');
});

test('a task that passes its deadline is cancelled; one that ignores the cancel has its thread terminated', async () => {
  await assert.rejects(t.runtime.runTask('tp', 'slow'), code('PADDOCK_ERR_TASK_TIMEOUT', /^plugin "tp": task "slow" did not finish within 150 ms and was cancelled$/));
  assert.ok(existsSync(join(t.dataDir, 'tp', 'slow-timed-out')), 'the task\'s own timeoutMs applied, and it saw the signal');
  await assert.rejects(t.runtime.runTask('tp', 'stubborn', undefined, { timeoutMs: 100 }), code('PADDOCK_ERR_TASK_TIMEOUT'));
  assert.equal(await t.runtime.runTask('tp', 'add', { a: 20, b: 22 }), 42, 'a fresh thread took over');
});

test('a full queue refuses at once with PADDOCK_ERR_TASK_QUEUE_FULL; cancelling a waiting task frees its place', async () => {
  const controller = new AbortController();
  const { task: running } = await startWaiting('queue-holder', controller.signal);
  const waitingController = new AbortController();
  const waiting = t.runtime.runTask('tp', 'add', { a: 1, b: 2 }, { signal: waitingController.signal });
  await assert.rejects(t.runtime.runTask('tp', 'add', { a: 0, b: 0 }),
    code('PADDOCK_ERR_TASK_QUEUE_FULL', /task "add" was refused because the task queue is full \(1 running, 1 waiting; raise pool\.size or pool\.queueLimit/));
  waitingController.abort();
  await assert.rejects(waiting, code('PADDOCK_ERR_TASK_CANCELLED'));
  const next = t.runtime.runTask('tp', 'add', { a: 3, b: 4 });
  controller.abort();
  await assert.rejects(running, code('PADDOCK_ERR_TASK_CANCELLED'));
  assert.equal(await next, 7, 'the queued task ran once the thread was free');
});

test('params are checked with the task\'s zod schema; unknown tasks and bad results are clear errors', async () => {
  await assert.rejects(t.runtime.runTask('tp', 'add', { a: 'one' }),
    code('PADDOCK_ERR_INVALID_TASK_PARAMS', /^task "add" of plugin "tp" got invalid params: a: Invalid input: expected number, received string; b: /));
  await assert.rejects(t.runtime.runTask('tp', 'nope'), code('PADDOCK_ERR_UNKNOWN_TASK', /has no task "nope" \(it has: add, steps, wait/));
  await assert.rejects(t.runtime.runTask('tp', 'returnsFunction'), code('PADDOCK_ERR_NOT_CLONEABLE'));
  await assert.rejects(t.runtime.runTask('tp', 'badProgress'), code('PADDOCK_ERR_PLUGIN_THREW', /progress must be a number from 0 to 1, got 2/));
});

test('a thread that dies of an uncaught error fails its task, and the pool replaces it', async () => {
  await assert.rejects(t.runtime.runTask('tp', 'killThread'), code('PADDOCK_ERR_PLUGIN_THREW', /task "killThread" \(its thread died of an uncaught error\): Error: thread killer/));
  assert.equal(await t.runtime.runTask('tp', 'add', { a: 1, b: 2 }), 3);
});

test('pool threads print into the plugin\'s log, and get an empty environment like plugin workers', async () => {
  assert.equal(await t.runtime.runTask('tp', 'print'), 'printed');
  await waitFor(() => t.logs.has('hello from a task thread', 'tp'), 5000, 'the task output');
  assert.ok(t.logs.lines.some((l) => l.plugin === 'tp' && l.msg === 'a warning from a task thread' && l.level === 40));
  assert.deepEqual(await t.runtime.runTask('tp', 'env'), { keys: [] });
});

test('new options reach the next tasks; the tasks already running finish with the old pool', async () => {
  const running = t.runtime.runTask('tp', 'steps', { n: 3, delayMs: 100 });
  await t.runtime.reconfigure('tp', { colour: 'blue' });
  assert.equal(await running, 3, 'the running task was not cut short');
  assert.deepEqual(await t.runtime.runTask('tp', 'options'), { colour: 'blue' });
});

test('stopping the plugin cancels its running tasks and refuses new ones', async () => {
  await t.runtime.load({ url: './tasks-plugin.ts', id: 'short-lived', pool: { size: 1, cancelGraceMs: 200 } });
  let started!: () => void;
  const running = new Promise<void>((resolve) => {
    started = resolve;
  });
  const task = t.runtime.runTask('short-lived', 'wait', { mark: 'stopped' }, { onProgress: () => started() });
  task.catch(() => undefined);
  await running;
  await t.runtime.unload('short-lived');
  await assert.rejects(task, code('PADDOCK_ERR_TASK_CANCELLED', /the plugin stopped \(unload\)/));
  await assert.rejects(t.runtime.runTask('short-lived', 'add', { a: 1, b: 1 }), code('PADDOCK_ERR_UNKNOWN_PLUGIN'));
});

test('the test harness runs a plugin\'s tasks too', async () => {
  await using plugin = await startPlugin({ plugin: fixture('tasks-plugin.ts') });
  assert.deepEqual(plugin.info.tasks.map((task) => task.name).slice(0, 3), ['add', 'steps', 'wait']);
  const seen: number[] = [];
  assert.equal(await plugin.runTask('steps', { n: 3 }, { onProgress: (p) => seen.push(p.value) }), 3);
  assert.deepEqual(seen, [1 / 3, 2 / 3, 1]);
});
