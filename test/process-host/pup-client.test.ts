/**
 * Pup's PupRestClient inside a sandboxed worker, backed by the Comlink link: the data
 * keeps the shapes of @pup/api-definitions, ipc reaches plugins and processes, and
 * token renewal reaches the plugin's refreshApiToken as Pup does it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { folderWith, nodeCmd, startHost, waitUntil } from './helpers.js';

const probe = `
import { PupRestClient } from "jsr:@pup/api-client"
import { PluginImplementation, type PluginConfiguration } from "jsr:@pup/plugin"
import { ApiProcessState, type ApiIpcData, type ApiTelemetryData } from "jsr:@pup/api-definitions"

export class PupPlugin extends PluginImplementation {
  public meta = { name: "probe", version: "1.0.0", api: "1.0.0", repository: "https://example.invalid/probe" }
  private client: PupRestClient
  private refreshed: string[] = []
  private ipcs: ApiIpcData[] = []
  private telemetry: unknown[] = []
  private forward: boolean
  private config: { forward?: boolean }
  private apiUrl: string
  private apiToken: string

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.config = (config.options ?? {}) as { forward?: boolean }
    this.apiUrl = apiUrl
    this.apiToken = apiToken
    this.forward = this.config.forward !== false
    this.client = new PupRestClient(\`http://\${apiUrl}\`, apiToken, true)
    this.client.on("ipc", (data) => { this.ipcs.push(data as ApiIpcData) })
    this.client.on("process_telemetry", (data) => { this.telemetry.push(data) })
  }

  public async refreshApiToken(token: string) {
    this.refreshed.push(token)
    if (this.forward) this.client.refreshApiToken(token)
  }

  private async attempt<T>(fn: () => Promise<T>) {
    try { return { ok: await fn() } } catch (e) { const error = e as Error & { status?: number; code?: string }; return { error: { name: error.name, message: error.message, status: error.status, code: error.code } } }
  }

  public actions = {
    state: () => this.attempt(() => this.client.getState()),
    logs: ({ processId }: { processId: string }) => this.attempt(() => this.client.getLogs(processId, undefined, undefined, undefined, 2)),
    rawGet: ({ path }: { path: string }) => this.attempt(() => this.client.get(path)),
    ipc: (data: ApiIpcData) => this.attempt(() => this.client.sendIpc(data)),
    received: () => this.ipcs,
    sendTelemetry: (data: ApiTelemetryData) => this.attempt(() => this.client.sendTelemetry(data)),
    telemetryHeard: () => this.telemetry,
    refreshed: () => ({ count: this.refreshed.length, current: this.client.token, first: this.refreshed[0] }),
    running: () => ApiProcessState.RUNNING,
    ownConfig: () => this.config,
    badLog: () => this.attempt(() => this.client.sendLog("loud", "probe", "x")),
    ownFetch: async ({ path, method, body, auth }: { path: string; method?: string; body?: unknown; auth?: boolean }) => {
      const headers: Record<string, string> = auth === false ? {} : { Authorization: \`Bearer \${this.apiToken}\` }
      const response = await fetch(\`http://\${this.apiUrl}\${path}\`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) })
      return { status: response.status, body: await response.json() }
    },
  }
}
`;

const echo = nodeCmd('console.log("echo ready"); process.stdin.on("data", (d) => process.stdout.write("got " + d))');

test('getState, getProcesses and getLogs answer { data } in the shapes of @pup/api-definitions', async (t) => {
  const folder = folderWith({ 'probe.ts': probe });
  t.after(folder.remove);
  const { host, logs, close } = await startHost(folder.dir, {
    processes: [{ id: 'echo', cmd: echo, autostart: true }],
    plugins: [{ url: './probe.ts' }],
  });
  t.after(close);
  await waitUntil(() => logs.has('echo ready'), 'the process to print');

  const { ok: state } = await host.runtime.invoke('probe', 'state') as { ok: { data: Record<string, any> } };
  const data = state.data;
  assert.equal(typeof data.systemMemory.free, 'number');
  assert.equal(typeof data.systemMemory.total, 'number');
  assert.ok(data.systemMemory.free > 0 && data.systemMemory.free <= data.systemMemory.total);
  assert.equal(data.pid, process.pid);
  assert.equal(typeof data.memory.rss, 'number');
  assert.equal(data.loadAvg.length, 3);
  assert.ok(!Number.isNaN(Date.parse(data.started)) && !Number.isNaN(Date.parse(data.updated)));
  assert.equal(data.runtime, `node ${process.version}`);
  assert.equal(data.processes.length, 1);
  assert.equal(data.processes[0].id, 'echo');
  assert.equal(data.processes[0].status, await host.runtime.invoke('probe', 'running'), 'the ApiProcessState enum is real at run time');
  assert.equal(new Date(data.processes[0].updated).toISOString(), data.processes[0].updated, 'dates arrive as ISO strings, as in Pup\'s JSON');

  const processes = await host.runtime.invoke('probe', 'rawGet', { path: '/processes' }) as { ok: { data: Array<{ status: { id: string }; config: { id: string } }> } };
  assert.deepEqual(processes.ok.data.map((p) => [p.status.id, p.config.id]), [['echo', 'echo']], 'client.get(path) reaches the same method');

  // A request the plugin builds itself to http://${apiUrl} is answered over its channel, as Pup's REST server answers it.
  const own = await host.runtime.invoke('probe', 'ownFetch', { path: '/processes' }) as { status: number; body: { data: Array<{ status: { id: string } }> } };
  assert.equal(own.status, 200);
  assert.deepEqual(own.body.data.map((p) => p.status.id), ['echo']);
  assert.deepEqual(await host.runtime.invoke('probe', 'ownFetch', { path: '/state', auth: false }), { status: 401, body: { error: 'Authorization header required' } });
  assert.deepEqual(await host.runtime.invoke('probe', 'ownFetch', { path: '/log', method: 'POST', body: { severity: 'info', plugin: 'probe', message: 'fetched' } }), { status: 201, body: {} });
  assert.ok(logs.has('fetched', 'probe'));
  assert.deepEqual(await host.runtime.invoke('probe', 'ownFetch', { path: '/nope' }), { status: 404, body: { error: "GET /nope is not part of Pup's plugin API" } });

  const { ok: tail } = await host.runtime.invoke('probe', 'logs', { processId: 'echo' }) as { ok: { data: Array<Record<string, unknown>> } };
  assert.equal(tail.data.length, 2, 'nRows is honoured');
  const printed = tail.data.find((item) => item.text === 'echo ready');
  assert.ok(printed, JSON.stringify(tail.data));
  assert.deepEqual(Object.keys(printed).sort(), ['category', 'processId', 'severity', 'text', 'timeStamp']);
  assert.equal(printed.category, 'stdout');

  // Pup's client tries a failed request 4 times (200, 400, 800 ms apart), then throws RestAPIConnectionError.
  const began = Date.now();
  const unknown = await host.runtime.invoke('probe', 'rawGet', { path: '/cluster' }) as { error: { status: number; message: string } };
  assert.ok(Date.now() - began >= 1400, 'three retries, with backoff, before giving up');
  assert.deepEqual(unknown.error, {
    name: 'RestAPIConnectionError', status: 404, code: undefined,
    message: "Could not connect to server, retries exhausted. Response data: 'GET /cluster is not part of Pup's plugin API'",
  });
  const badLog = await host.runtime.invoke('probe', 'badLog') as { error: { status: number; message: string } };
  assert.equal(badLog.error.status, 400);
  assert.equal(badLog.error.message, "Could not connect to server, retries exhausted. Response data: 'Invalid severity.'");
});

test('sendIpc needs the ipc scope (a Pup plugin has it unless its scopes narrow it) and reaches the other plugins (with the sender) and the target process', async (t) => {
  const folder = folderWith({ 'probe.ts': probe });
  t.after(folder.remove);
  const { host, logs, close } = await startHost(folder.dir, {
    processes: [{ id: 'echo', cmd: echo, autostart: true }],
    plugins: [{ url: './probe.ts', id: 'sender' }, { url: './probe.ts', id: 'listener', scopes: [] }],
  });
  t.after(close);
  await waitUntil(() => logs.has('echo ready'), 'the process to listen');

  const denied = await host.runtime.invoke('listener', 'ipc', { target: 'echo', event: 'x', eventData: 1 }) as { error: { status: number; code: string } };
  assert.equal(denied.error.status, 403);
  const incomplete = await host.runtime.invoke('sender', 'ipc', { target: 'echo', event: 'x' }) as { error: { status: number; message: string } };
  assert.deepEqual([incomplete.error.status, incomplete.error.message], [500, "Could not connect to server, retries exhausted. Response data: 'Missing event data'"], "checked as Pup's /ipc checks");
  assert.equal(denied.error.code, 'PADDOCK_ERR_SCOPE_DENIED');

  const sent = await host.runtime.invoke('sender', 'ipc', { target: 'echo', event: 'reload', eventData: { hard: true }, sender: 'spoofed' });
  assert.deepEqual(sent, { ok: {} });
  await host.runtime.drain();
  assert.deepEqual(await host.runtime.invoke('listener', 'received'), [{ target: 'echo', event: 'reload', eventData: { hard: true }, sender: 'sender' }]);
  await waitUntil(() => logs.has('got {"event":"reload","eventData":{"hard":true},"sender":"sender"}'), 'the process to receive the message on stdin');

  // Pup's /telemetry: kept in the process's status and emitted as process_telemetry.
  const telemetry = { sender: 'echo', memory: { heapTotal: 2, heapUsed: 1, rss: 3 }, sent: new Date().toISOString(), cwd: '/srv' };
  assert.deepEqual(await host.runtime.invoke('sender', 'sendTelemetry', telemetry), { ok: {} });
  await host.runtime.drain();
  assert.deepEqual(await host.runtime.invoke('listener', 'telemetryHeard'), [telemetry]);
  assert.deepEqual(host.processes.get('echo')!.status().telemetry, telemetry);
  const noSuchProcess = await host.runtime.invoke('sender', 'sendTelemetry', { ...telemetry, sender: 'nobody' }) as { error: { status: number; message: string } };
  assert.deepEqual([noSuchProcess.error.status, noSuchProcess.error.message], [500, "Could not connect to server, retries exhausted. Response data: 'Invalid data'"]);
});

test('token renewal reaches the plugin\'s refreshApiToken, and the client works on past the first token', async (t) => {
  const folder = folderWith({ 'probe.ts': probe });
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, {
    plugins: [{ url: './probe.ts', id: 'forwards' }, { url: './probe.ts', id: 'keeps-old', options: { forward: false } }],
  }, { tokenLifeMs: 600, tokenRenewBeforeMs: 300 });
  t.after(close);
  // Three renewals are 900 ms or more after start: the first token expired by then.
  let refreshed = { count: 0, current: '', first: '' };
  const deadline = Date.now() + 15_000;
  while (refreshed.count < 3) {
    if (Date.now() > deadline) throw new Error(`only ${refreshed.count} token renewals reached the plugin in 15 s`);
    await new Promise((resolve) => setTimeout(resolve, 50));
    refreshed = await host.runtime.invoke('forwards', 'refreshed') as typeof refreshed;
  }
  assert.equal(refreshed.current !== refreshed.first, true, 'the client follows the newest token');
  const works = await host.runtime.invoke('forwards', 'state') as { ok?: unknown; error?: unknown };
  assert.ok(works.ok, JSON.stringify(works.error));

  assert.deepEqual(await host.runtime.invoke('keeps-old', 'ownConfig'), { forward: false }, 'a Pup plugin\'s own config field is left as it set it');
  const stale = await host.runtime.invoke('keeps-old', 'state') as { error?: { status: number; code: string } };
  assert.equal(stale.error?.status, 401, 'a plugin that drops the new tokens is refused, as with Pup');
  assert.match(String(stale.error?.code), /^PADDOCK_ERR_TOKEN_(EXPIRED|REVOKED)$/);
});
