/**
 * A hostile plugin (test/fixtures/hostile-copy.mjs) builds values whose count, as its thread
 * copies them out (sdk/kernel/bounded-copy.ts, sdk/kernel/serialize-error.ts), would be far
 * smaller than what crosses: each is refused, or crosses as what was counted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPaddockError } from '../../runtime/index.js';
import { testRuntime, waitFor } from '../helpers.js';
import { peakRssMb } from '../support/proc-memory.js';

const MB = 1_048_576;

test('arrays named by one long key are counted once per array: the result is refused over caps.maxCallBytes', async () => {
  const t = testRuntime({ caps: { maxCallBytes: MB } });
  try {
    await t.runtime.load({ url: './hostile-copy.mjs', id: 'keys' });
    await assert.rejects(t.runtime.invoke('keys', 'arrayKeys', { mb: 1, refs: 4 }), (error: unknown) => {
      assert.ok(isPaddockError(error, 'PADDOCK_ERR_CAP_EXCEEDED'), String(error));
      assert.match((error as Error).message, /^plugin "keys": the result of action "arrayKeys" went over caps\.maxCallBytes/);
      return true;
    });
    assert.equal(await t.runtime.invoke('keys', 'ping'), 'pong');
  } finally {
    await t.close();
  }
});

test('a task\'s errors with accessor messages and a getter on Object.prototype.value cross without the message the getter answers', async () => {
  const t = testRuntime({ caps: { maxCallBytes: MB } });
  try {
    await t.runtime.load({ url: './hostile-copy.mjs', id: 'messages', pool: { size: 1 } });
    // Refused by the host's own measure would mean it was decoded there first: the copy must not under-count.
    const errors = await t.runtime.runTask('messages', 'errorMessages', { mb: 1, refs: 4 }) as Error[];
    assert.equal(errors.length, 4);
    for (const error of errors) assert.ok(error.message.length < 1_024, `an error's message of ${error.message.length} characters crossed`);
  } finally {
    await t.close();
  }
});


test('a task error whose stack getter answers a string when checked and 30 references to one 8 MB string after: the process running the pool does not hold the clone', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const t = testRuntime({ workerHost: 'plugin-host' });
  try {
    await t.runtime.load({ url: './hostile-copy.mjs', id: 'stack', pool: { size: 1 } });
    assert.equal(await t.runtime.runTask('stack', 'ping', {}), 'pong');
    const pid = t.runtime.pluginHostProcesses()[0]!.pid!;
    const before = peakRssMb(pid);
    await assert.rejects(t.runtime.runTask('stack', 'stackFlip', { mb: 8, refs: 30 }), (error: unknown) => isPaddockError(error, 'PADDOCK_ERR_PLUGIN_THREW'));
    // Without the single read, 240 MB (UTF-16: 480 MB) were decoded in the plugin-host process.
    const grew = peakRssMb(pid) - before;
    assert.ok(grew < 150, `the plugin-host process grew by ${Math.round(grew)} MB`);
    assert.equal(await t.runtime.runTask('stack', 'ping', {}), 'pong');
  } finally {
    await t.close();
  }
});

test('a task thread posting past the task protocol on its parent port (20 references to one 20 MB string) is refused there: the process running the pool does not hold the clone', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const t = testRuntime({ workerHost: 'plugin-host' });
  try {
    await t.runtime.load({ url: './tasks-plugin.ts', id: 'poster', pool: { size: 1 } });
    assert.equal(await t.runtime.runTask('poster', 'add', { a: 1, b: 2 }), 3);
    const pid = t.runtime.pluginHostProcesses()[0]!.pid!;
    const before = peakRssMb(pid);
    assert.match(String(await t.runtime.runTask('poster', 'rawPost', { mb: 20, refs: 20 })), /^refused: plugin "poster": a message from a task thread went over caps\.maxCallBytes/);
    // Without the bound on MessagePort.prototype.postMessage: 931 MB in the plugin-host process.
    const grew = peakRssMb(pid) - before;
    assert.ok(grew < 200, `the plugin-host process grew by ${Math.round(grew)} MB`);
    assert.equal(await t.runtime.runTask('poster', 'add', { a: 2, b: 2 }), 4, 'the pool goes on');
  } finally {
    await t.close();
  }
});

test('a process plugin sending past the protocol with process.send (20 references to one 20 MB string) is refused in its process: the host does not hold the clone', async () => {
  const t = testRuntime();
  try {
    await t.runtime.load({ url: './fault-probe.mjs', id: 'sender', isolation: 'process' });
    global.gc?.();
    const before = process.memoryUsage();
    assert.match(String(await t.runtime.invoke('sender', 'rawProcessSend', { mb: 20, refs: 20 })), /^refused: plugin "sender": a message sent with process\.send went over caps\.maxCallBytes/);
    const after = process.memoryUsage();
    // Without it the host went from 79 to 1,271 MB.
    assert.ok(after.heapUsed + after.external - before.heapUsed - before.external < 200_000_000, 'the host did not hold the clone');
    assert.equal(await t.runtime.invoke('sender', 'ping'), 'pong');
  } finally {
    await t.close();
  }
});

test('a process plugin writing to its IPC pipe past process.send is refused in its process: twelve bytes that are not a structured clone do not end the host, a 1 GB frame header does not fill it', async () => {
  const t = testRuntime();
  try {
    await t.runtime.load({ url: './fault-probe.mjs', id: 'piper', isolation: 'process' });
    // Before: the host's channel reader threw on the body (an uncaught exception in the host).
    assert.match(String(await t.runtime.invoke('piper', 'rawChannelWrite', { length: 8 })), /^refused: plugin "piper" sent a message outside the protocol: a write to its IPC channel/);
    global.gc?.();
    const before = process.memoryUsage();
    assert.match(String(await t.runtime.invoke('piper', 'rawChannelWrite', { length: 0x3fffffff, mb: 300 })), /^refused: /);
    const after = process.memoryUsage();
    // Before: the host buffered every byte written (80 to 380 MB for 300 MB).
    assert.ok(after.rss - before.rss < 150_000_000, `the host grew by ${Math.round((after.rss - before.rss) / 1e6)} MB`);
    assert.equal(await t.runtime.invoke('piper', 'ping'), 'pong');
  } finally {
    await t.close();
  }
});

test('a task thread printing in a tight loop reaches the host as a bounded number of lines and a count of the dropped ones', async () => {
  const t = testRuntime();
  try {
    await t.runtime.load({ url: './tasks-plugin.ts', id: 'printer', pool: { size: 1 } });
    assert.equal(await t.runtime.runTask('printer', 'printMany', { lines: 20_000, size: 100 }), 20_000);
    const line = 'o'.repeat(100);
    await waitFor(() => t.logs.has(/lines? of output dropped/, 'printer'), 10_000, 'the count of dropped lines');
    const printed = t.logs.messages('printer').filter((m) => m === line).length;
    assert.ok(printed >= 500 && printed < 1_000, `${printed} of 20000 lines reached the host`);
    const dropped = t.logs.messages('printer').map((m) => /^(\d+) lines? of output dropped/.exec(m)?.[1]).filter(Boolean).map(Number);
    assert.equal(printed + dropped.reduce((a, b) => a + b, 0), 20_000, 'every line is either printed or counted');
  } finally {
    await t.close();
  }
});
