/**
 * The process host's API through unmodified Pup plugins: a plugin without the
 * "control" scope cannot stop a process and is told why; with it the process stops
 * and process_status_changed reaches the subscribed plugins and the host.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiProcessState } from '../../sdk/kernel/pup-api-definitions.js';
import { folderWith, nodeCmd, startHost, waitUntil } from './helpers.js';

// A Pup plugin with actions the test drives; it records the status changes it hears.
const pupController = `
import { PupRestClient } from "jsr:@pup/api-client@^2"
import { PluginImplementation, type PluginConfiguration } from "jsr:@pup/plugin@^1.0.1"
import type { ApiProcessStateChangedEvent } from "jsr:@pup/api-definitions"

export class PupPlugin extends PluginImplementation {
  public meta = { name: "controller", version: "1.0.0", api: "1.0.0", repository: "https://example.invalid/controller" }
  private client: PupRestClient
  private changes: ApiProcessStateChangedEvent[] = []

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.client = new PupRestClient(\`http://\${apiUrl}\`, apiToken, true)
    this.client.on("process_status_changed", (data) => { this.changes.push(data as ApiProcessStateChangedEvent) })
  }

  public actions = {
    stop: async ({ id }: { id: string }) => {
      try {
        return { response: await this.client.stopProcess(id) }
      } catch (e) {
        const error = e as Error & { status?: number; code?: string }
        return { thrown: { name: error.name, message: error.message, status: error.status, code: error.code } }
      }
    },
    act: async ({ method, id }: { method: string; id?: string }) => {
      try {
        return { response: await (this.client as unknown as Record<string, (id?: string) => Promise<unknown>>)[method]!(id) }
      } catch (e) {
        return { thrown: { message: (e as Error).message, status: (e as { status?: number }).status } }
      }
    },
    processes: async () => (await this.client.getProcesses()).data,
    changes: () => this.changes.map((c) => ({ id: c.status.id, old: c.old, new: c.new })),
  }

  public async cleanup() {
    this.client.close()
    return true
  }
}
`;

const sleeper = nodeCmd('setInterval(() => {}, 1000); process.on("SIGTERM", () => process.exit(0))');

test('stopProcess needs the control scope (Pup plugins have it unless their scopes narrow it); with it the process stops and subscribers hear of it', async (t) => {
  const folder = folderWith({ 'controller.ts': pupController });
  t.after(folder.remove);
  const seenByHost: Array<{ id: string; new: number }> = [];
  const { host, close } = await startHost(folder.dir, {
    processes: [{ id: 'sleeper', cmd: sleeper, autostart: true }],
    plugins: [
      { url: './controller.ts', id: 'reader', scopes: [] },
      { url: './controller.ts', id: 'operator' },
    ],
  });
  t.after(close);
  host.runtime.on('process_status_changed', (data) => {
    const change = data as { new: number; status: { id: string } };
    seenByHost.push({ id: change.status.id, new: change.new });
  });
  await waitUntil(() => host.processes.get('sleeper')!.state === ApiProcessState.RUNNING, 'the process to run');

  const denied = await host.runtime.invoke('reader', 'stop', { id: 'sleeper' }) as { thrown?: Record<string, unknown> };
  assert.ok(denied.thrown, 'the call without the scope must fail');
  assert.equal(denied.thrown.name, 'RestAPIConnectionError', 'as Pup\'s client, after its retries');
  assert.equal(denied.thrown.status, 403);
  assert.equal(denied.thrown.code, 'PADDOCK_ERR_SCOPE_DENIED');
  assert.equal(denied.thrown.message, 'Could not connect to server, retries exhausted. Response data: \'plugin "reader" may not call "stopProcess": it needs the scope "control" (grant it in the plugin\'s "scopes")\'');
  assert.equal(host.processes.get('sleeper')!.state, ApiProcessState.RUNNING, 'the refused call must not stop the process');

  const done = await host.runtime.invoke('operator', 'stop', { id: 'sleeper' }) as { response?: unknown; thrown?: unknown };
  assert.deepEqual(done, { response: {} }, 'Pup answers a carried-out action with an empty body');
  assert.equal(host.processes.get('sleeper')!.state, ApiProcessState.FINISHED);

  await host.runtime.drain();
  for (const id of ['reader', 'operator']) {
    const changes = await host.runtime.invoke(id, 'changes') as Array<{ id: string; old: number | null; new: number }>;
    const states = changes.filter((c) => c.id === 'sleeper').map((c) => c.new);
    assert.deepEqual(states.slice(-2), [ApiProcessState.STOPPING, ApiProcessState.FINISHED], `${id} hears the stop`);
  }
  assert.deepEqual(seenByHost.filter((c) => c.id === 'sleeper').map((c) => c.new).slice(-2), [ApiProcessState.STOPPING, ApiProcessState.FINISHED]);

  const processes = await host.runtime.invoke('reader', 'processes') as Array<{ status: { id: string; status: number; code?: number }; config: { cmd: string } }>;
  assert.equal(processes.length, 1);
  assert.equal(processes[0]!.status.id, 'sleeper');
  assert.equal(processes[0]!.status.status, ApiProcessState.FINISHED);
  assert.equal(typeof processes[0]!.config.cmd, 'string', 'Pup keeps the command line as a string');

  const again = await host.runtime.invoke('operator', 'stop', { id: 'sleeper' }) as { response?: { error?: string } };
  assert.equal(again.response?.error, 'Action could not be carried out, check the arguments.', 'stopping a stopped process is answered with { error }, as Pup does');

  const unknown = await host.runtime.invoke('operator', 'stop', { id: 'nope' }) as { thrown?: Record<string, unknown> };
  assert.equal(unknown.thrown?.status, 500);
  assert.match(String(unknown.thrown?.message), /no process "nope" \(known: sleeper, or "all"\)/);
});

test('a Paddock SDK plugin gets PADDOCK_ERR_SCOPE_DENIED for a method outside its scopes', async (t) => {
  const folder = folderWith({
    'terminator.js': `
      import { PluginImplementation } from 'paddock-runtime/sdk';
      export class Plugin extends PluginImplementation {
        meta = { name: 'terminator', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/t' };
        actions = {
          terminate: async () => {
            try { return await this.client.call('terminate'); } catch (e) { return { code: e.code, message: e.message }; }
          },
        };
      }`,
  });
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, { plugins: [{ url: './terminator.js', id: 'weak', scopes: ['control'] }, { url: './terminator.js', id: 'strong', scopes: ['terminate'] }] });
  t.after(close);
  const denied = await host.runtime.invoke('weak', 'terminate') as { code: string; message: string };
  assert.equal(denied.code, 'PADDOCK_ERR_SCOPE_DENIED');
  assert.match(denied.message, /needs the scope "terminate"/);
  assert.equal(await host.runtime.invoke('strong', 'terminate'), true);
  assert.equal(await host.terminated, 'requested by plugin "strong"');
});

test('every process action and terminate() of PupRestClient reach the host', async (t) => {
  const folder = folderWith({ 'controller.ts': pupController });
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, {
    processes: [{ id: 'a', cmd: sleeper }, { id: 'b', cmd: sleeper }],
    plugins: [{ url: './controller.ts', id: 'operator' }],
  });
  t.after(close);
  const act = (method: string, id?: string) => host.runtime.invoke('operator', 'act', { method, id }) as Promise<{ response?: { error?: string }; thrown?: unknown }>;
  const state = (id: string) => host.processes.get(id)!.state;

  assert.deepEqual(await act('blockProcess', 'a'), { response: {} });
  assert.equal((await act('startProcess', 'a')).response?.error, 'Action could not be carried out, check the arguments.', 'a blocked process does not start');
  assert.equal(state('a'), ApiProcessState.CREATED);
  assert.deepEqual(await act('unblockProcess', 'a'), { response: {} });
  assert.deepEqual(await act('startProcess', 'all'), { response: {} });
  await waitUntil(() => state('a') === ApiProcessState.RUNNING && state('b') === ApiProcessState.RUNNING, 'both processes to run');
  const pid = host.processes.get('b')!.status().pid;
  assert.deepEqual(await act('restartProcess', 'b'), { response: {} });
  await waitUntil(() => state('b') === ApiProcessState.RUNNING && host.processes.get('b')!.status().pid !== pid, 'b to run again under a new pid');
  assert.deepEqual(await act('terminate'), { response: {} });
  assert.equal(await host.terminated, 'requested by plugin "operator"');
});
