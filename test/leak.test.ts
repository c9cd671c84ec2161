import assert from 'node:assert/strict';
import { test } from 'node:test';
import { createLogger } from '../runtime/index.js';
import { testRuntime, testWorkerHost } from './helpers.js';

// In a plugin-host process each cycle also crosses its IPC channel (a spawn, the three
// channels, an exit): 1,000 cycles take about the test runner's 5 minutes on a loaded
// 2-core machine. 300 still catch a leak of 16 KB or more per cycle (the 4 MB bound).
const CYCLES = Number(process.env.PADDOCK_LEAK_CYCLES ?? (testWorkerHost() === 'plugin-host' ? 300 : 1000));
const PARALLEL = 4;

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  assert.ok(collect, 'run with --expose-gc (test/run.mjs does)');
  collect();
  collect();
}

/** Collect garbage, letting finalizers (Comlink's FinalizationRegistry) run in between. */
async function snapshot() {
  for (let i = 0; i < 5; i++) {
    gc();
    await new Promise((resolve) => setImmediate(resolve));
  }
  const resources = process.getActiveResourcesInfo();
  return {
    heap: process.memoryUsage().heapUsed,
    resources: resources.length,
    kinds: [...new Set(resources)].sort().join(','),
  };
}

test(`loading and unloading a plugin ${CYCLES} times leaves no growth in handles, listeners, timers or memory`, async () => {
  // A silent logger and a small log store: the test's own log capture would grow by design.
  const t = testRuntime({ tokenLifeMs: 2000, tokenRenewBeforeMs: 1000, logger: createLogger({ level: 'silent' }), logStoreSize: 50 });
  const runtime = t.runtime;
  const cycle = async (lane: number, i: number) => {
    const id = `leaky-${lane}`;
    await runtime.load({ url: './probe.mjs', id, options: { subscribe: ['tick'] } });
    runtime.emit('tick', i);
    await runtime.invoke(id, 'echo', i);
    await runtime.unload(id);
  };
  const run = async (from: number, to: number) => {
    await Promise.all(Array.from({ length: PARALLEL }, async (_, lane) => {
      for (let i = from + lane; i < to; i += PARALLEL) await cycle(lane, i);
    }));
  };
  // Warm up lazy module loads, JIT and pools before the baseline.
  await run(0, 40);
  const listenersBefore = runtime.eventNames().map((e) => `${String(e)}:${runtime.listenerCount(e)}`).join(',');
  const before = await snapshot();
  await run(40, CYCLES);
  const after = await snapshot();
  const listenersAfter = runtime.eventNames().map((e) => `${String(e)}:${runtime.listenerCount(e)}`).join(',');
  const growthMb = (after.heap - before.heap) / 1024 / 1024;
  console.log(`heap growth ${growthMb.toFixed(2)} MB, handles ${before.resources} → ${after.resources} (${after.kinds})`);
  assert.deepEqual(runtime.list(), []);
  assert.equal(listenersAfter, listenersBefore, 'runtime listeners');
  // A leak grows with the cycle count; a port of the last worker still closing is not one.
  assert.ok(after.resources <= before.resources + PARALLEL, `active handles and timers grew: ${before.kinds} → ${after.kinds}`);
  // Node itself keeps a little per worker ever started (≈1 KB: a MessagePort in its
  // worker messaging table); anything of ours per cycle would be far more.
  assert.ok(growthMb < 4, `heap grew by ${growthMb.toFixed(1)} MB over ${CYCLES - 40} cycles`);
  await t.close();
});
