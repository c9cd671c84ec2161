/**
 * A hostile plugin (test/fixtures/hostile-copy.mjs) builds values whose count, as its thread
 * copies them out (sdk/kernel/bounded-copy.ts, sdk/kernel/serialize-error.ts), would be far
 * smaller than what crosses: each is refused, or crosses as what was counted.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { isPaddockError } from '../../runtime/index.js';
import { testRuntime } from '../helpers.js';

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

function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}

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
