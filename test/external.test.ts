/**
 * External executable plugins as real child processes: rpc (Python, JSON-RPC over
 * stdio) and raw (POSIX sh, stdin/stdout), with the host API, events, scopes, stderr
 * levels, restarts and stop.
 */
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defineMethod, isPaddockError, z, type PaddockError } from '../runtime/index.js';
import { nextState, testRuntime, waitFor, type TestRuntime } from './helpers.js';

let t: TestRuntime;

const rpcEntry = (id: string, options: Record<string, unknown> = {}) => ({
  id,
  exec: ['python3', '{pluginDir}/rpc_probe.py'],
  interface: 'rpc' as const,
  dir: './external',
  options,
});

const rawEntry = {
  id: 'raw',
  exec: ['sh', '{pluginDir}/raw-probe.sh'],
  dir: './external',
  errLog: 'warn' as const,
  tasks: ['text', 'json', 'progress', 'levels', 'fail', 'sleep'].map((name) => ({ name, execArgs: [name] })),
};

before(async () => {
  process.env.PADDOCK_TEST_HOST_SECRET = 'not for plugins';
  t = testRuntime({
    api: {
      double: defineMethod({ scope: 'read', params: z.tuple([z.number()]), handler: (_ctx, n) => n * 2 }),
      secret: defineMethod({ scope: 'admin', params: z.tuple([]), handler: () => 'the secret' }),
    },
    events: { audit: { scope: 'admin' } },
    limits: { stopTimeoutMs: 400, restartBackoffMs: 100 },
  });
  await Promise.all([
    t.runtime.load({ ...rpcEntry('py', { events: ['tick'] }), env: { GREETING: 'hi' } }),
    t.runtime.load(rawEntry),
  ]);
});
after(async () => {
  delete process.env.PADDOCK_TEST_HOST_SECRET;
  await t.close();
});

const code = (expected: string, message?: RegExp) => (error: unknown): boolean => {
  assert.ok(isPaddockError(error), String(error));
  assert.equal((error as PaddockError).code, expected, (error as Error).message);
  if (message) assert.match((error as Error).message, message);
  return true;
};

test('an rpc plugin reports meta and actions; params are checked against its JSON Schema before they reach it', async () => {
  const info = t.runtime.get('py')!;
  assert.equal(info.state, 'running');
  assert.equal(info.meta?.name, 'rpc-probe');
  assert.equal(info.url, 'exec:python3 {pluginDir}/rpc_probe.py');
  assert.deepEqual(info.actions.slice(0, 2).map((a) => a.name), ['echo', 'add']);
  assert.equal(await t.runtime.invoke('py', 'add', { a: 2, b: 3 }), 5);
  assert.deepEqual(await t.runtime.invoke('py', 'echo', { nested: [1, 'two'] }), { nested: [1, 'two'] });
  await assert.rejects(t.runtime.invoke('py', 'add', { a: 'x' }),
    code('PADDOCK_ERR_INVALID_PARAMS', /action "add" of plugin "py" got invalid params: a: Invalid input: expected number, received string; b: /));
  await assert.rejects(t.runtime.invoke('py', 'nope'), code('PADDOCK_ERR_UNKNOWN_ACTION', /has no action "nope" \(it has: echo, add,/));
});

test('stderr lines with a level prefix get that level; others get errLog (default error)', async () => {
  await waitFor(() => t.logs.has('initialized as py in external', 'py'), 5000, 'the initialize log line');
  const level = (msg: string) => t.logs.lines.find((l) => l.plugin === 'py' && l.msg === msg)?.level;
  assert.equal(level('initialized as py in external'), 30);
  assert.equal(level('a line without a level'), 50);
  assert.equal(await t.runtime.runTask('raw', 'levels'), 'ok');
  await waitFor(() => t.logs.has('no prefix here', 'raw'), 5000, 'the raw plugin\'s stderr');
  const rawLevel = (msg: string) => t.logs.lines.find((l) => l.plugin === 'raw' && l.msg === msg)?.level;
  assert.deepEqual([rawLevel('a debug line'), rawLevel('a warning'), rawLevel('no prefix here')], [20, 40, 40], 'errLog "warn" for the unprefixed one');
});

test('an rpc plugin calls the host API with its token, within its scopes, and gets only the events it may have', async () => {
  assert.deepEqual(await t.runtime.invoke('py', 'callHost', { method: 'double', args: [21] }), { result: 42 });
  const denied = await t.runtime.invoke('py', 'callHost', { method: 'secret' }) as { error: { message: string; data: { code: string } } };
  assert.equal(denied.error.data.code, 'PADDOCK_ERR_SCOPE_DENIED');
  assert.match(denied.error.message, /may not call "secret": it needs the scope "admin"/);
  const forged = await t.runtime.invoke('py', 'callHost', { method: 'double', args: [1], token: 'forged' }) as { error: { data: { code: string } } };
  assert.equal(forged.error.data.code, 'PADDOCK_ERR_TOKEN_INVALID');
  const badArgs = await t.runtime.invoke('py', 'callHost', { method: 'double', args: ['x'] }) as { error: { data: { code: string } } };
  assert.equal(badArgs.error.data.code, 'PADDOCK_ERR_INVALID_ARGUMENTS');

  // One rule on both roads: audit needs a scope py lacks, asked for at initialize (the start
  // fails) or later (the call fails).
  const atStart = await t.runtime.load(rpcEntry('py-nosy', { events: ['tick', 'audit'] })).then(() => undefined, (e: unknown) => e as Error);
  assert.ok(isPaddockError(atStart, 'PADDOCK_ERR_START_FAILED'), String(atStart));
  assert.match(atStart.message, /may not subscribe to "audit": it needs the scope "admin"/);
  assert.ok(isPaddockError(atStart.cause, 'PADDOCK_ERR_SCOPE_DENIED'));
  await t.runtime.unload('py-nosy');
  assert.deepEqual(t.runtime.get('py')!.subscriptions, ['tick']);
  const later = await t.runtime.invoke('py', 'subscribe', ['audit']) as { error: { data: { code: string } } };
  assert.equal(later.error.data.code, 'PADDOCK_ERR_SCOPE_DENIED');
  t.runtime.emit('tick', { n: 1 });
  t.runtime.emit('audit', { who: 'someone' });
  t.runtime.emit('unrelated', 3);
  t.runtime.emit('tick', { n: 2 });
  await t.runtime.drain('py');
  assert.deepEqual(await t.runtime.invoke('py', 'events'), [['tick', { n: 1 }], ['tick', { n: 2 }]]);
});

test('an external process gets a small environment: no host variables beyond PATH, HOME and the like', async () => {
  const names = await t.runtime.invoke('py', 'env') as string[];
  assert.ok(!names.includes('PADDOCK_TEST_HOST_SECRET'), 'a host variable did not leak');
  for (const name of ['PADDOCK_PLUGIN_ID', 'PADDOCK_DATA_DIR', 'PADDOCK_PLUGIN_DIR', 'GREETING', 'PATH']) assert.ok(names.includes(name), name);
});

test('stdout lines outside the protocol are logged or dropped as violations; the plugin goes on', async () => {
  assert.equal(await t.runtime.invoke('py', 'garbage'), 'sent');
  await waitFor(() => t.logs.has('just some text', 'py'), 5000, 'the plain text line');
  await waitFor(() => t.logs.messages('py').filter((m) => m.startsWith('protocol violation')).length >= 3, 5000, 'three violations');
  const violations = t.logs.messages('py').filter((m) => m.startsWith('protocol violation'));
  assert.ok(violations.some((m) => /a JSON-RPC batch/.test(m)));
  assert.ok(violations.some((m) => /an answer to request 999999, which the host did not send/.test(m)));
  assert.ok(violations.some((m) => /neither a JSON-RPC request, notification nor response|an invalid JSON-RPC notification/.test(m)));
  assert.equal(await t.runtime.invoke('py', 'add', { a: 1, b: 1 }), 2);
});

test('a raw plugin\'s result is its stdout: JSON when it parses, text otherwise; its input is JSON on stdin', async () => {
  const info = t.runtime.get('raw')!;
  assert.deepEqual(info.actions, []);
  assert.deepEqual(info.tasks.map((task) => task.name), ['text', 'json', 'progress', 'levels', 'fail', 'sleep']);
  assert.equal(await t.runtime.runTask('raw', 'text'), 'hello from sh');
  const input = await t.runtime.runTask('raw', 'json', { q: 'x' }) as Record<string, unknown>;
  assert.deepEqual(input, { task: 'json', params: { q: 'x' }, options: {}, plugin: { id: 'raw', dataDir: `${t.dataDir}/raw`, dir: `${t.runtime.options.baseDir}/external` } });
  await assert.rejects(t.runtime.invoke('raw', 'text'), code('PADDOCK_ERR_UNKNOWN_ACTION', /a raw plugin has tasks/));
});

test('progress from stderr reaches the caller in order; a failing process is a clear error', async () => {
  const seen: unknown[] = [];
  assert.deepEqual(await t.runtime.runTask('raw', 'progress', undefined, { onProgress: (p) => seen.push(p) }), { done: true });
  assert.deepEqual(seen, [{ value: 0.25, message: 'a quarter' }, { value: 0.5 }, { value: 1, message: 'done' }]);
  await assert.rejects(t.runtime.runTask('raw', 'fail'),
    code('PADDOCK_ERR_EXEC_FAILED', /^plugin "raw": task "fail" failed: the process exited with code 4; its last stderr line: "it broke"$/));
});

test('stop kills a raw task at once, with what it started', async () => {
  // The script runs `sleep 30`: the task settles only once the whole process group is gone.
  await assert.rejects(t.runtime.runTask('raw', 'sleep', undefined, { timeoutMs: 300 }), code('PADDOCK_ERR_TASK_TIMEOUT'));
  const controller = new AbortController();
  const task = t.runtime.runTask('raw', 'sleep', undefined, { signal: controller.signal });
  await waitFor(() => t.logs.messages('raw').filter((m) => m === 'sleeping').length >= 2, 5000, 'the second run');
  controller.abort();
  await assert.rejects(task, code('PADDOCK_ERR_TASK_CANCELLED', /the caller aborted it/));
});

test('an rpc task runs as a process of its own: progress, host calls with its own token, no events', async () => {
  await t.runtime.load({ ...rpcEntry('py-tasks'), tasks: [{ name: 'work', execArgs: ['--task'], params: { type: 'object', properties: { n: { type: 'integer' } } } }] });
  const seen: unknown[] = [];
  const result = await t.runtime.runTask('py-tasks', 'work', { n: 5 }, { onProgress: (p) => seen.push(p) }) as Record<string, { error?: { message: string } }>;
  assert.deepEqual(seen, [{ value: 0.25, message: 'step 1' }, { value: 0.5, message: 'step 2' }, { value: 0.75, message: 'step 3' }]);
  assert.deepEqual(result.doubled, { result: 10 });
  assert.match(result.subscribed!.error!.message, /a task's process cannot subscribe to events/);
  assert.equal(result.plugin, 'py-tasks');
  await assert.rejects(t.runtime.runTask('py-tasks', 'work', { n: 'five' }), code('PADDOCK_ERR_INVALID_TASK_PARAMS', /n: Invalid input: expected (int|number)/));

  // Cancelled: asked to stop (it answers and exits); one that ignores it is killed after the grace period.
  for (const ignoreStop of [false, true]) {
    const controller = new AbortController();
    let hanging!: () => void;
    const reached = new Promise<void>((resolve) => {
      hanging = resolve;
    });
    const task = t.runtime.runTask('py-tasks', 'work', { hang: true, ignoreStop }, {
      signal: controller.signal,
      onProgress: (p) => p.message === 'hanging' && hanging(),
    });
    task.catch(() => undefined);
    await reached;
    controller.abort();
    await assert.rejects(task, code('PADDOCK_ERR_TASK_CANCELLED'));
  }
  await t.runtime.unload('py-tasks');
});

test('a crashing rpc plugin is restarted by the supervision policy, with backoff', async () => {
  const crashed = nextState(t.runtime, 'py', 'crashed');
  const running = crashed.then(() => nextState(t.runtime, 'py', 'running'));
  await assert.rejects(t.runtime.invoke('py', 'crash'), code('PADDOCK_ERR_WORKER_EXITED', /action "crash" was cut short because .* exited with code 3/));
  await crashed;
  assert.ok(t.logs.has('crashing on purpose', 'py'));
  assert.ok(t.logs.has(/restarting in 100 ms \(crash 1 of at most 5\)/, 'py'));
  await running;
  assert.equal(t.runtime.get('py')!.restarts, 1);
  assert.equal(await t.runtime.invoke('py', 'echo', 'back again'), 'back again');
});

test('a plugin that ignores the stop request is killed after the grace period; one that answers exits by itself', async () => {
  await t.runtime.load(rpcEntry('deaf', { ignoreStop: true }));
  const deafPid = await t.runtime.invoke('deaf', 'pid') as number;
  await t.runtime.unload('deaf');
  assert.ok(t.logs.has('ignoring the stop request', 'deaf'));
  assert.ok(t.logs.has(/cleanup\(\) did not finish cleanly: plugin "deaf": cleanup\(\) did not finish within 400 ms/, 'deaf'));
  assert.throws(() => process.kill(deafPid, 0), (error: NodeJS.ErrnoException) => error.code === 'ESRCH', 'the process is gone');

  await t.runtime.load(rpcEntry('polite'));
  const politePid = await t.runtime.invoke('polite', 'pid') as number;
  await t.runtime.unload('polite');
  assert.ok(t.logs.lines.some((l) => l.plugin === 'polite' && l.msg === 'cleanup() finished' && l.cleanup === true));
  assert.ok(!t.logs.has(/killing it/, 'polite'));
  assert.throws(() => process.kill(politePid, 0), (error: NodeJS.ErrnoException) => error.code === 'ESRCH');
});

test('the command is looked up in the plugin\'s folder, then on PATH; a missing one fails the load clearly', async () => {
  const info = await t.runtime.load({ id: 'local', exec: ['raw-probe.sh'], dir: './external', tasks: [{ name: 'text', execArgs: ['text'] }] });
  assert.equal(info.state, 'running');
  assert.equal(await t.runtime.runTask('local', 'text'), 'hello from sh');
  await t.runtime.unload('local');
  await assert.rejects(t.runtime.load({ id: 'missing', exec: ['no-such-command-here', 'x'], dir: './external' }),
    code('PADDOCK_ERR_EXEC_NOT_FOUND', /cannot find the executable "no-such-command-here" \(looked in the plugin's folder .*external and PATH\)/));
  assert.equal(t.runtime.get('missing')?.state, 'failed');
  await t.runtime.unload('missing');
});

test('an rpc plugin follows its renewed tokens (the `token` notification) and keeps calling the host', async () => {
  const short = testRuntime({
    tokenLifeMs: 600,
    tokenRenewBeforeMs: 400,
    api: { double: defineMethod({ scope: 'read', params: z.tuple([z.number()]), handler: (_ctx, n) => n * 2 }) },
  });
  try {
    await short.runtime.load(rpcEntry('renewed'));
    // A renewal every 200 ms: after four, the first tokens have expired and only a renewed one works.
    await waitFor(() => short.logs.messages('renewed').filter((m) => m === 'token renewed').length >= 4, 5000, 'four renewals');
    assert.deepEqual(await short.runtime.invoke('renewed', 'callHost', { method: 'double', args: [4] }), { result: 8 });
  } finally {
    await short.close();
  }
});

test('an rpc plugin can be a collector: the host sends `collect` on its schedule', async () => {
  const results: Array<{ id: string; data: unknown }> = [];
  const listener = (result: { id: string; data: unknown }) => results.push(result);
  t.runtime.on('plugin:monitor', listener);
  try {
    await t.runtime.load({ ...rpcEntry('py-monitor', { collector: { kind: 'monitor', interval: 3600 } }), collector: { interval: 0.05 } });
    assert.deepEqual(t.runtime.get('py-monitor')!.collector, { kind: 'monitor', interval: 3600 });
    await waitFor(() => results.filter((r) => r.id === 'py-monitor').length >= 2, 5000, 'two collections');
    const [first, second] = results.filter((r) => r.id === 'py-monitor');
    assert.equal((first!.data as { collections: number }).collections, 1);
    assert.equal((second!.data as { collections: number }).collections, 2);
  } finally {
    t.runtime.off('plugin:monitor', listener);
    await t.runtime.unload('py-monitor');
  }
});
