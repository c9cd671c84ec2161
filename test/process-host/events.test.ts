/** The events a plugin can listen to, delivered by a running process host. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ApiProcessState } from '../../sdk/kernel/pup-api-definitions.js';
import { folderWith, nodeCmd, startHost, waitUntil } from './helpers.js';

const recorder = `
import { PluginImplementation } from 'paddock-runtime/sdk';
const EVENTS = ['log', 'init', 'watchdog', 'application_state', 'process_status_changed', 'process_watch', 'process_scheduled'];
export class Plugin extends PluginImplementation {
  meta = { name: 'recorder', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/recorder' };
  seen = {};
  constructor(...args) {
    super(...args);
    for (const event of EVENTS) this.client.on(event, (data) => { (this.seen[event] ??= []).push(data ?? null); });
  }
  actions = {
    count: () => Object.fromEntries(Object.entries(this.seen).map(([k, v]) => [k, v.length])),
    last: ({ event }) => this.seen[event]?.at(-1),
    find: ({ event, text }) => this.seen[event]?.find((d) => JSON.stringify(d).includes(text)),
  };
}
`;

test('init, watchdog, application_state, log and process_watch reach a listening plugin, dates as ISO strings', async (t) => {
  const folder = folderWith({ 'recorder.js': recorder, 'trigger.txt': 'v1' });
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, {
    processes: [{ id: 'watched', cmd: nodeCmd('console.log("hello from " + process.pid); setInterval(() => {}, 1000)'), autostart: true, restartDelayMs: 10, watch: ['trigger.txt'] }],
    plugins: [{ url: './recorder.js' }],
  }, {});
  t.after(close);
  const invoke = (action: string, params?: unknown) => host.runtime.invoke('recorder', action, params);
  const watched = host.processes.get('watched')!;
  await waitUntil(() => watched.state === ApiProcessState.RUNNING, 'the process to run');

  const line = await waitUntilAsync(() => invoke('find', { event: 'log', text: 'hello from' }), 'the output line as a log event') as Record<string, unknown>;
  assert.deepEqual(Object.keys(line).sort(), ['category', 'processId', 'severity', 'text', 'timeStamp']);
  assert.equal(line.processId, 'watched');
  assert.equal(line.category, 'stdout');
  assert.equal(line.severity, 'info');

  await waitUntilAsync(async () => ((await invoke('count')) as Record<string, number>).application_state >= 2 || undefined, 'two application_state events');
  const counts = await invoke('count') as Record<string, number>;
  assert.equal(counts.init, 1);
  assert.ok(counts.watchdog! >= 2);
  const state = await invoke('last', { event: 'application_state' }) as { systemMemory: { total: number }; processes: Array<{ id: string }> };
  assert.ok(state.systemMemory.total > 0);
  assert.deepEqual(state.processes.map((p) => p.id), ['watched']);

  const pid = watched.status().pid;
  writeFileSync(join(folder.dir, 'trigger.txt'), 'v2');
  const watchEvent = await waitUntilAsync(() => invoke('last', { event: 'process_watch' }), 'process_watch') as { at: string; status: { id: string; updated: string } };
  // Pup's events reach plugins as JSON: dates are ISO strings.
  assert.equal(typeof watchEvent.at, 'string');
  assert.equal(new Date(watchEvent.at).toISOString(), watchEvent.at);
  assert.equal(new Date(watchEvent.status.updated).toISOString(), watchEvent.status.updated);
  assert.equal(watchEvent.status.id, 'watched');
  await waitUntil(() => watched.state === ApiProcessState.RUNNING && watched.status().pid !== pid, 'the watched process to restart');
  const first = await invoke('find', { event: 'process_status_changed', text: '"old":null' }) as { old: null; new: number };
  assert.equal(first.new, ApiProcessState.CREATED, 'each process is announced once with old: null');

  // An exit by itself (not on purpose) is restarted by policy; process_scheduled is Pup's
  // next cron run, so a restart does not announce one.
  process.kill(watched.status().pid!, 'SIGKILL');
  const errored = await waitUntilAsync(() => invoke('find', { event: 'process_status_changed', text: '"signal":"SIGKILL"' }), 'the ERRORED status') as { new: number };
  assert.equal(errored.new, ApiProcessState.ERRORED);
  await waitUntil(() => watched.state === ApiProcessState.RUNNING && watched.restarts === 1, 'the killed process to be restarted');
  assert.equal(await invoke('last', { event: 'process_scheduled' }), undefined);
});

async function waitUntilAsync<T>(find: () => Promise<T | undefined>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== null) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 30));
  }
}
