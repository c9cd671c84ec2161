/** The process host supervising real child processes: restart policies, block, restart, shutdown. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiProcessState } from '../../sdk/kernel/pup-api-definitions.js';
import { folderWith, nodeCmd, startHost, waitUntil } from './helpers.js';

const failing = nodeCmd('console.log("up"); setTimeout(() => process.exit(3), 50)');
const sleeping = nodeCmd('setInterval(() => {}, 1000)');

test('restart "error" restarts a failing process until restartLimit; a restart is not a process_scheduled (Pup: the next cron run)', async (t) => {
  const folder = folderWith({});
  t.after(folder.remove);
  const { host, logs, close } = await startHost(folder.dir, {
    processes: [{ id: 'crashy', cmd: failing, autostart: true, restart: 'error', restartDelayMs: 10, restartLimit: 2 }],
    plugins: [],
  });
  t.after(close);
  const scheduled: unknown[] = [];
  host.runtime.on('process_scheduled', (data) => scheduled.push(data as (typeof scheduled)[number]));
  const crashy = host.processes.get('crashy')!;
  await waitUntil(() => crashy.state === ApiProcessState.EXHAUSTED, 'the process to be exhausted');
  assert.equal(crashy.restarts, 2);
  assert.equal(scheduled.length, 0);
  const outputs = logs.lines.filter((l) => l.process === 'crashy' && l.stream === 'stdout').map((l) => l.msg);
  assert.deepEqual(outputs, ['up', 'up', 'up'], 'started once and restarted twice');
  assert.ok(logs.has('exhausted: 2 restarts (restartLimit 2), not restarting'));
  assert.equal(logs.lines.filter((l) => l.process === 'crashy' && String(l.msg).startsWith('restarting in 10 ms')).length, 2, 'each restart is logged');
});

test('a process stopped on purpose stays down; "never" leaves a failed one down; block refuses starts', async (t) => {
  const folder = folderWith({});
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, {
    processes: [
      { id: 'steady', cmd: sleeping, autostart: true, restartDelayMs: 10 },
      { id: 'once', cmd: failing, autostart: true, restart: 'never' },
    ],
    plugins: [],
  });
  t.after(close);
  const steady = host.processes.get('steady')!;
  const once = host.processes.get('once')!;
  await waitUntil(() => steady.state === ApiProcessState.RUNNING && once.state === ApiProcessState.ERRORED, 'steady to run and once to fail');
  assert.equal(once.status().code, 3);

  assert.equal(await host.processes.stop('steady', 'test'), true);
  assert.equal(steady.state, ApiProcessState.FINISHED);
  assert.equal(await host.processes.stop('steady', 'test'), false, 'nothing to stop');

  assert.equal(host.processes.block('all', 'test'), true);
  assert.equal(host.processes.start('steady', 'test'), false, 'a blocked process does not start');
  assert.equal(host.processes.restart('once', 'test'), false);
  host.processes.unblock('all', 'test');
  assert.equal(host.processes.start('steady', 'test'), true);
  await waitUntil(() => steady.state === ApiProcessState.RUNNING, 'steady to run again');
  const pid = steady.status().pid;

  assert.equal(host.processes.restart('steady', 'test'), true);
  await waitUntil(() => steady.state === ApiProcessState.RUNNING && steady.status().pid !== pid, 'steady to run under a new pid');
  assert.throws(() => host.processes.start('ghost', 'test'), /no process "ghost" \(known: steady, once, or "all"\)/);
});

test('stop() announces terminating, stops every process, then the plugins (cleanup runs)', async (t) => {
  const folder = folderWith({
    'listener.js': `
      import { PluginImplementation } from 'paddock-runtime/sdk';
      export class Plugin extends PluginImplementation {
        meta = { name: 'listener', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/l' };
        constructor(...args) {
          super(...args);
          this.client.on('terminating', (ms) => this.client.log('info', 'heard terminating ' + ms));
          this.client.on('process_status_changed', (c) => c.new === 300 && this.client.log('info', c.status.id + ' finished'));
        }
        async cleanup() { await this.client.log('info', 'cleanup ran'); return true; }
      }`,
  });
  t.after(folder.remove);
  const { host, pluginLines } = await startHost(folder.dir, {
    processes: [{ id: 'a', cmd: sleeping, autostart: true }, { id: 'b', cmd: 'sleep 30', autostart: true }],
    plugins: [{ url: './listener.js' }],
  });
  await waitUntil(() => host.processes.list().every((p) => p.state === ApiProcessState.RUNNING), 'both processes to run');
  await host.stop('test over');
  assert.ok(host.processes.list().every((p) => p.state === ApiProcessState.FINISHED && !p.running));
  const lines = pluginLines('listener');
  const order = ['heard terminating 5000', 'a finished', 'b finished', 'cleanup ran'].map((text) => lines.indexOf(text));
  assert.ok(order.every((i) => i >= 0), `all four lines in ${JSON.stringify(lines)}`);
  assert.ok(order[0]! < order[3]! && order[1]! < order[3]! && order[2]! < order[3]!, 'cleanup runs last');
  assert.equal(host.runtime.list().length, 0);
});
