/**
 * rpc external plugins under supervision (issue 12): a liveness ping restarts a frozen
 * process; a flood of plain stdout lines is handled in slices and does not starve the
 * plugin's answers.
 */
import assert from 'node:assert/strict';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { test } from 'node:test';
import type { StateChange } from '../../runtime/index.js';
import { testRuntime, waitFor } from '../helpers.js';

const entry = (id: string) => ({ id, exec: ['python3', '{pluginDir}/rpc_faults.py'], interface: 'rpc' as const, dir: './external' });

test('a frozen rpc plugin misses its liveness ping and is restarted', async () => {
  const t = testRuntime({ limits: { blockTimeoutMs: 600, stopTimeoutMs: 300, restartBackoffMs: 100 } });
  const crashes: StateChange[] = [];
  t.runtime.on('plugin:state', (change) => {
    if (change.to === 'crashed') crashes.push(change);
  });
  let frozen: number | undefined;
  try {
    await t.runtime.load(entry('frozen'));
    frozen = await t.runtime.invoke('frozen', 'pid') as number;
    // Answering pings (with "method not found") keeps it alive meanwhile.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    assert.equal(crashes.length, 0, 'a plugin that answers is not restarted');
    process.kill(frozen, 'SIGSTOP');
    await waitFor(() => crashes.length > 0, 10_000, 'the frozen plugin to be noticed');
    assert.match(crashes[0]!.reason ?? '', /blocked|did not answer/);
    await waitFor(() => t.runtime.get('frozen')?.state === 'running', 10_000, 'the restart');
    const fresh = await t.runtime.invoke('frozen', 'pid') as number;
    assert.notEqual(fresh, frozen);
  } finally {
    if (frozen !== undefined) {
      try {
        process.kill(frozen, 'SIGCONT');
      } catch {
        // already gone
      }
    }
    await t.close();
  }
});

test('a flood of plain stdout lines from an rpc plugin does not starve its answers', async () => {
  const t = testRuntime({ limits: { callTimeoutMs: 20_000 } });
  try {
    await t.runtime.load(entry('noisy'));
    const delay = monitorEventLoopDelay({ resolution: 10 });
    delay.enable();
    const flood = t.runtime.invoke('noisy', 'flood', { lines: 300_000 });
    assert.equal(await flood, 'flooded');
    // Answered after the flood was read: the reader got through it and the answer.
    assert.deepEqual(await t.runtime.invoke('noisy', 'echo', { after: true }), { after: true });
    delay.disable();
    console.log(`host loop delay during the flood: p99 ${(delay.percentile(99) / 1e6).toFixed(1)} ms, max ${(delay.max / 1e6).toFixed(1)} ms`);
    assert.ok(t.logs.has('noise', 'noisy'), 'the plain lines are logged (within the log budget)');
  } finally {
    await t.close();
  }
});
