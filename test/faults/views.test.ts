/**
 * Typed arrays crossing a process's IPC channel (issue 11/12 review): the channel's
 * decoder makes them views over its read buffer, which holds other plugins' messages,
 * and postMessage copies a view's whole backing buffer. In the plugin-host process and
 * in the host, every view is copied out to a buffer of its own bytes
 * (sdk/kernel/fresh-views.ts), so a plugin given one byte gets one byte, and the host
 * gets from a plugin only that plugin's bytes.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { testRuntime } from '../helpers.js';

for (const workerHost of ['plugin-host', 'in-process'] as const) {
  test(`a typed array crossing to or from a plugin carries only its own bytes (workerHost ${workerHost})`, async () => {
    const t = testRuntime({ workerHost });
    try {
      await t.runtime.load({ url: './fault-probe.mjs', id: 'viewer' });
      await t.runtime.load({ url: './fault-probe.mjs', id: 'neighbour' });
      // Other traffic on the same channel meanwhile.
      const chatter = Array.from({ length: 20 }, (_, i) => t.runtime.invoke('neighbour', 'bigResult', { bytes: 2_000 + i }));
      for (let i = 0; i < 5; i++) {
        const seen = await t.runtime.invoke('viewer', 'viewBacking', { view: new Uint8Array([120]) }) as { byteLength: number; backing: number };
        assert.deepEqual(seen, { byteLength: 1, backing: 1 }, 'the plugin sees one byte and nothing behind it');
      }
      await Promise.all(chatter);
      const got = await t.runtime.invoke('viewer', 'oneByte') as { view: Uint8Array; data: DataView };
      assert.equal(got.view.byteLength, 1);
      assert.equal(got.view.buffer.byteLength, 1, 'the host gets a view over the plugin\'s one byte only');
      assert.equal(got.data.buffer.byteLength, 2);
    } finally {
      await t.close();
    }
  });
}
