/**
 * Per-plugin metrics measured by the host: runtime.metrics() and its Prometheus
 * exposition after two plugins made calls, one was denied and one crashed and restarted.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { METRIC_HELP, prometheusRegistry, registerOpenTelemetry } from '../runtime/index.js';
import { nextState, testRuntime, testWorkerHost } from './helpers.js';
import { parseExposition } from './support/prom-text.js';
import { pluginProcesses } from './support/plugin-processes.js';

test('metrics count calls, errors, actions, a denial and a crash with its restart, and Prometheus text says the same', async () => {
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: './probe.mjs', id: 'probe', limits: { restartBackoffMs: 10 } });
    await rt.runtime.load({ url: './permissions-probe.mjs', id: 'perm' });
    const registry = prometheusRegistry(rt.runtime);
    const before = parseExposition(await registry.metrics());
    assert.equal(before.types.get('paddock_plugin_host_calls_total'), 'counter');
    assert.equal(before.value('paddock_plugin_state', { plugin: 'probe', state: 'running' }), 1);

    await rt.runtime.invoke('probe', 'call', { method: 'log', args: ['info', 'one'] });
    await rt.runtime.invoke('probe', 'call', { method: 'log', args: ['info', 'two'] });
    await assert.rejects(rt.runtime.invoke('probe', 'call', { method: 'noSuchMethod', args: [] }));
    await assert.rejects(rt.runtime.invoke('perm', 'read', { path: '/etc/hostname' }));
    const restarted = nextState(rt.runtime, 'probe', 'running');
    // The throw is scheduled for the next turn: the answer 'scheduled' may or may not cross before it
    // (through the plugin-host relay it often does not), so either outcome is fine here.
    await rt.runtime.invoke('probe', 'throwAsync').catch((err: Error) => assert.match(err.message, /uncaught in probe/));
    await restarted;
    await rt.runtime.sampleMetrics();
    // Worker#getHeapStatistics came with Node 22.16 / 24.
    const hasHeap = typeof (Worker.prototype as { getHeapStatistics?: unknown }).getHeapStatistics === 'function';
    if (hasHeap && testWorkerHost() === 'plugin-host') {
      // Sampled in the plugin-host process, it reaches the host with the restarted worker's first heartbeats.
      const heapKnown = () => (rt.runtime.metrics().plugins.find((p) => p.id === 'probe')?.memory.heapUsed ?? 0) > 0;
      for (let i = 0; i < 100 && !heapKnown(); i++) {
        await new Promise((resolve) => setTimeout(resolve, 100));
        await rt.runtime.sampleMetrics();
      }
    }

    const data = rt.runtime.metrics();
    const probe = data.plugins.find((p) => p.id === 'probe')!;
    assert.equal(probe.hostCalls['log']!.count, 2);
    assert.equal(probe.hostCalls['log']!.errors, 0);
    assert.equal(probe.hostCalls['(unknown)']!.errors, 1);
    assert.equal(probe.actions['call']!.count, 3);
    assert.equal(probe.actions['call']!.errors, 1);
    assert.equal(probe.restarts, 1);
    assert.deepEqual(Object.values(probe.crashReasons), [1]);
    assert.match(Object.keys(probe.crashReasons)[0]!, /uncaught in probe/);
    assert.equal(data.plugins.find((p) => p.id === 'perm')!.denials['read'], 1);
    assert.ok(probe.eventLoopUtilization !== undefined && probe.eventLoopUtilization >= 0 && probe.eventLoopUtilization <= 1);
    if (hasHeap) assert.ok(probe.memory.heapUsed! > 0);
    else assert.equal(probe.memory.heapUsed, undefined);

    const after = parseExposition(await new Promise<string>((resolve) => setTimeout(() => resolve(registry.metrics()), 300)));
    assert.equal(after.value('paddock_plugin_host_calls_total', { plugin: 'probe', method: 'log' }), 2);
    assert.equal(after.value('paddock_plugin_host_call_errors_total', { plugin: 'probe', method: '(unknown)' }), 1);
    assert.equal(after.value('paddock_plugin_host_call_duration_seconds_count', { plugin: 'probe', method: 'log' }), 2);
    assert.equal(after.value('paddock_plugin_host_call_duration_seconds_bucket', { plugin: 'probe', method: 'log', le: '+Inf' }), 2);
    assert.equal(after.value('paddock_plugin_actions_total', { plugin: 'probe', action: 'call' }), 3);
    assert.equal(after.value('paddock_plugin_restarts_total', { plugin: 'probe' }), 1);
    assert.equal(after.value('paddock_plugin_crashes_total', { plugin: 'probe' }), 1);
    assert.equal(after.value('paddock_plugin_denials_total', { plugin: 'perm', kind: 'read' }), 1);
    assert.equal(after.value('paddock_plugin_state', { plugin: 'probe', state: 'running' }), 1);
    assert.ok(after.value('paddock_plugin_restarts_total', { plugin: 'probe' }) > before.value('paddock_plugin_restarts_total', { plugin: 'probe' }));
    if (hasHeap) assert.ok(after.value('paddock_plugin_heap_used_bytes', { plugin: 'probe' }) > 0);
  } finally {
    await rt.close();
  }
});

test('plugin labels are capped: past maxPlugins the rest are summed under "other"', async () => {
  const rt = testRuntime();
  try {
    for (const id of ['a', 'b', 'c']) await rt.runtime.load({ url: './probe.mjs', id });
    for (const id of ['a', 'b', 'c']) await rt.runtime.invoke(id, 'call', { method: 'log', args: ['info', id] });
    const text = parseExposition(await prometheusRegistry(rt.runtime, { maxPlugins: 1 }).metrics());
    const plugins = new Set(text.samples.map((s) => s.labels['plugin']).filter(Boolean));
    assert.deepEqual([...plugins].sort(), ['a', 'other']);
    assert.equal(text.value('paddock_plugin_host_calls_total', { plugin: 'other', method: 'log' }), 2);
    assert.equal(text.value('paddock_plugin_state', { plugin: 'other', state: 'running' }), 2);
  } finally {
    await rt.close();
  }
});

test('a process-isolated plugin reports its pid and resident memory, read from /proc by the host', { skip: process.platform !== 'linux' && 'reads /proc' }, async () => {
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: './lifecycle-probe.mjs', id: 'child', isolation: 'process' });
    // The host's pid of the plugin's Node (inside the OS wall the plugin calls itself pid 1).
    const pids = pluginProcesses();
    assert.equal(pids.length, 1, `one plugin process under this test, found ${pids.join(', ')}`);
    await rt.runtime.sampleMetrics();
    const child = rt.runtime.metrics().plugins[0]!;
    assert.equal(child.pid, pids[0]);
    assert.ok(child.memory.rss! > 1024 * 1024);
  } finally {
    await rt.close();
  }
});

test('OpenTelemetry observable instruments read the same figures', async () => {
  const { MeterProvider, MetricReader } = await import('@opentelemetry/sdk-metrics');
  class PullReader extends MetricReader {
    protected override async onShutdown(): Promise<void> {}
    protected override async onForceFlush(): Promise<void> {}
  }
  const reader = new PullReader();
  const provider = new MeterProvider({ readers: [reader] });
  const rt = testRuntime();
  try {
    await rt.runtime.load({ url: './probe.mjs', id: 'probe' });
    await rt.runtime.invoke('probe', 'call', { method: 'log', args: ['info', 'otel'] });
    const remove = registerOpenTelemetry(rt.runtime, provider.getMeter('paddock-test'));
    const { resourceMetrics } = await reader.collect();
    const all = resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
    const calls = all.find((m) => m.descriptor.name === 'paddock.plugin.host.calls')!;
    const point = calls.dataPoints.find((p) => p.attributes['plugin'] === 'probe' && p.attributes['method'] === 'log')!;
    assert.equal(point.value, 1);
    const running = all.find((m) => m.descriptor.name === 'paddock.plugin.state')!.dataPoints.find((p) => p.attributes['state'] === 'running')!;
    assert.equal(running.value, 1);
    remove();
  } finally {
    await rt.close();
    await provider.shutdown();
  }
});

test('docs/reference/metrics.md lists every metric', async () => {
  const { readFileSync } = await import('node:fs');
  const { join } = await import('node:path');
  const { repoRoot } = await import('./helpers.js');
  const doc = readFileSync(join(repoRoot, 'docs', 'reference', 'metrics.md'), 'utf8');
  for (const name of Object.keys(METRIC_HELP)) assert.ok(doc.includes(`\`paddock_${name}\``), `docs/reference/metrics.md does not list paddock_${name}`);
});
