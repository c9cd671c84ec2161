/**
 * The Pup profile's methods about plugins: `pluginMetrics` and `prometheusMetrics` with
 * the read scope every plugin has; `reloadPlugin` / `stopPlugin` refused without the
 * `plugins` scope (also to an entry without `scopes`, which gets Pup's whole API) and
 * carried out with it; a plugin cannot target itself.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { fixture, tempDir } from '../helpers.js';
import { parseExposition } from '../support/prom-text.js';
import { startHost } from './helpers.js';

async function outcome(promise: Promise<unknown>): Promise<unknown> {
  try {
    return { value: await promise };
  } catch (error) {
    // The probe rethrows what the host answered: the host's error is the cause.
    return { code: ((error as Error).cause as { code?: string } | undefined)?.code };
  }
}

test('plugin metrics are readable by every plugin; reloading and stopping plugins needs the plugins scope', async () => {
  const dir = tempDir('paddock-plugin-control-');
  const probe = fixture('probe.mjs');
  const t = await startHost(dir, {
    processes: [],
    plugins: [
      { url: probe, id: 'reader', scopes: [] },
      { url: probe, id: 'pupish' },
      { url: probe, id: 'operator', scopes: ['plugins'] },
    ],
  });
  const call = (id: string, method: string, ...args: unknown[]) => outcome(t.host.runtime.invoke(id, 'call', { method, args }));
  try {
    const metrics = await call('reader', 'pluginMetrics') as { value: { plugins: Array<{ id: string; state: string; url: string }> } };
    assert.deepEqual(metrics.value.plugins.map((p) => [p.id, p.state]), [['reader', 'running'], ['pupish', 'running'], ['operator', 'running']]);
    assert.equal(metrics.value.plugins[0]!.url, probe);
    const text = await call('reader', 'prometheusMetrics') as { value: string };
    assert.equal(parseExposition(text.value).value('paddock_plugin_host_calls_total', { plugin: 'reader', method: 'pluginMetrics' }), 1);

    // Refused by default, even to an entry with Pup's whole API.
    assert.deepEqual(await call('reader', 'reloadPlugin', 'pupish'), { code: 'PADDOCK_ERR_SCOPE_DENIED' });
    assert.deepEqual(await call('pupish', 'stopPlugin', 'reader'), { code: 'PADDOCK_ERR_SCOPE_DENIED' });
    assert.equal(t.host.runtime.get('reader')!.state, 'running');

    // Carried out with the scope; a stopped plugin stays listed and a reload starts it.
    assert.deepEqual(await call('operator', 'stopPlugin', 'reader'), { value: true });
    assert.equal(t.host.runtime.get('reader')!.state, 'stopped');
    const since = t.host.runtime.get('pupish')!.since;
    assert.deepEqual(await call('operator', 'reloadPlugin', 'reader'), { value: true });
    assert.equal(t.host.runtime.get('reader')!.state, 'running');
    assert.deepEqual(await call('operator', 'reloadPlugin', 'pupish'), { value: true });
    assert.ok(t.host.runtime.get('pupish')!.since > since);
    assert.deepEqual(await call('operator', 'reloadPlugin', 'operator'), { code: 'PADDOCK_ERR_INVALID_ARGUMENTS' });
    assert.deepEqual(await call('operator', 'stopPlugin', 'nobody'), { code: 'PADDOCK_ERR_UNKNOWN_PLUGIN' });
  } finally {
    await t.close();
  }
});
