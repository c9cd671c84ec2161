/**
 * A Pup plugin's own WebSocket to `ws://${apiUrl}/wss`, served over its channel as Pup's
 * REST server serves its live event stream: a bearer token in the Authorization header,
 * every event as a text frame `{ t, d }`, a refused handshake as `error` + `close` 1006.
 * Any other URL goes to the sandbox's gated WebSocket (Node ≥ 22) or is refused with a
 * clear error (Node 20 has no WebSocket). Real worker threads, a real host.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { WebSocketServer } from 'ws';
import { ApiProcessState } from '../../sdk/kernel/pup-api-definitions.js';
import { folderWith, nodeCmd, startHost, waitUntil } from './helpers.js';

// Shaped like Pup's web interface: it opens Pup's event stream itself and keeps what arrives.
const liveView = `
import { PluginImplementation, type PluginConfiguration } from "jsr:@pup/plugin"

type Outcome = { event: string; readyState: number; code?: number; reason?: string; wasClean?: boolean; message?: string; order: string[]; served?: boolean }

export class PupPlugin extends PluginImplementation {
  public meta = { name: "live-view", version: "1.0.0", api: "2.0.2", repository: "https://example.invalid/live-view" }
  private apiUrl: string
  private token: string
  private sockets = new Map<string, WebSocket>()
  private frames = new Map<string, Array<{ raw: unknown; t: string; d: any }>>()
  private listened = new Map<string, number>()
  private order = new Map<string, string[]>()

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.apiUrl = apiUrl
    this.token = apiToken
  }

  public async refreshApiToken(token: string) { this.token = token }

  private outcome(name: string, ws: WebSocket): Promise<Outcome> {
    const order = this.order.get(name)!
    return new Promise((resolve) => {
      let error: string | undefined
      ws.addEventListener("error", (e) => { error = (e as Event & { message?: string }).message })
      ws.addEventListener("open", () => resolve({ event: "open", readyState: ws.readyState, order: [...order], served: ws instanceof WebSocket }))
      ws.addEventListener("close", (e) => resolve({ event: "close", readyState: ws.readyState, code: e.code, reason: e.reason, wasClean: e.wasClean, message: error, order: [...order] }))
    })
  }

  private open(name: string, url: string, ...rest: unknown[]): Promise<Outcome> {
    const ws = new (WebSocket as any)(url, ...rest) as WebSocket
    this.sockets.set(name, ws)
    this.frames.set(name, [])
    this.listened.set(name, 0)
    this.order.set(name, [])
    const order = this.order.get(name)!
    ws.onopen = () => order.push("open")
    ws.onerror = () => order.push("error")
    ws.onclose = () => order.push("close")
    ws.onmessage = (e) => { const frame = JSON.parse(e.data); this.frames.get(name)!.push({ raw: typeof e.data, t: frame.t, d: frame.d, keys: Object.keys(frame).sort() } as any) }
    ws.addEventListener("message", () => this.listened.set(name, this.listened.get(name)! + 1))
    return this.outcome(name, ws)
  }

  public actions = {
    connect: ({ name, path = "/wss", scheme = "ws", auth = "bearer", style = "init" }: { name: string; path?: string; scheme?: string; auth?: string; style?: string }) => {
      const authorization = auth === "bearer" ? "Bearer " + this.token : auth === "none" ? undefined : auth
      const headers = authorization === undefined ? {} : { Authorization: authorization }
      const url = scheme + "://" + this.apiUrl + path
      // Node's and Deno's WebSocket take { headers } second; the ws package takes them third.
      return style === "ws" ? this.open(name, url, [], { headers }) : this.open(name, url, { headers })
    },
    frames: ({ name }: { name: string }) => ({ frames: this.frames.get(name), listened: this.listened.get(name), readyState: this.sockets.get(name)!.readyState }),
    send: ({ name }: { name: string }) => { this.sockets.get(name)!.send("ignored by the server"); return this.sockets.get(name)!.bufferedAmount },
    sendWhileConnecting: () => {
      const ws = new WebSocket("ws://" + this.apiUrl + "/wss")
      try { ws.send("too early"); return "sent" } catch (e) { return (e as DOMException).name } finally { ws.close() }
    },
    close: ({ name, code, reason }: { name: string; code?: number; reason?: string }) => {
      const ws = this.sockets.get(name)!
      const closed = this.outcome(name, ws)
      ws.close(code, reason)
      const closingState = ws.readyState
      return closed.then((outcome) => ({ ...outcome, closingState }))
    },
    badClose: ({ name }: { name: string }) => { try { this.sockets.get(name)!.close(1001); return "closed" } catch (e) { return (e as DOMException).name } },
    other: ({ url }: { url: string }) => {
      let ws: WebSocket
      try { ws = new WebSocket(url) } catch (e) { return { threw: (e as { code?: string }).code ?? (e as Error).name, message: (e as Error).message } }
      return new Promise((resolve) => {
        ws.addEventListener("message", (e) => { resolve({ message: String(e.data), served: ws instanceof WebSocket }); ws.close() })
        ws.addEventListener("error", (e) => resolve({ error: String((e as Event & { message?: string }).message) }))
      })
    },
  }
}
`;

const app = nodeCmd('console.log("app up"); setInterval(() => {}, 1000)');

/** waitUntil for a question the plugin answers (asynchronously). */
async function eventually<T>(find: () => Promise<T | undefined | false>, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = await find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

type Frames = { frames: Array<{ raw: string; t: string; d: any; keys: string[] }>; listened: number; readyState: number };

test('a Pup plugin\'s own WebSocket to ws://${apiUrl}/wss gets Pup\'s events as { t, d } text frames, and closes cleanly', async (t) => {
  const folder = folderWith({ 'live.ts': liveView });
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, {
    processes: [{ id: 'app', cmd: app }],
    plugins: [{ url: './live.ts', id: 'live' }],
  });
  t.after(close);
  const frames = async (name: string) => await host.runtime.invoke('live', 'frames', { name }) as Frames;

  assert.deepEqual(await host.runtime.invoke('live', 'connect', { name: 'a' }), { event: 'open', readyState: 1, order: ['open'], served: true });
  // The ws package's form (headers third) and the wss: form of the same origin.
  assert.deepEqual(await host.runtime.invoke('live', 'connect', { name: 'b', scheme: 'wss', style: 'ws' }), { event: 'open', readyState: 1, order: ['open'], served: true });
  assert.equal(await host.runtime.invoke('live', 'sendWhileConnecting'), 'InvalidStateError');
  assert.equal(await host.runtime.invoke('live', 'send', { name: 'a' }), 0, 'what an open socket sends is taken (Pup ignores it)');

  assert.equal(host.processes.start('app', 'test'), true);
  await waitUntil(() => host.processes.get('app')!.state === ApiProcessState.RUNNING, 'app to run');
  for (const name of ['a', 'b']) {
    const { running, printed } = await eventually(async () => {
      const { frames: list } = await frames(name);
      const running = list.find((f) => f.t === 'process_status_changed' && f.d.new === ApiProcessState.RUNNING && f.d.status?.id === 'app');
      const printed = list.find((f) => f.t === 'log' && f.d.text === 'app up');
      return running && printed ? { running, printed } : undefined;
    }, `the RUNNING status and the process output over socket ${name}`);
    assert.equal(running.raw, 'string', 'text frames, as Pup sends them');
    assert.deepEqual(running.keys, ['d', 't']);
    assert.equal(new Date(running.d.status.updated).toISOString(), running.d.status.updated, 'dates as ISO strings, as in Pup\'s JSON');
    assert.equal(printed.d.processId, 'app');
    assert.equal(printed.d.category, 'stdout');
  }
  const before = await frames('a');
  assert.equal(before.listened, before.frames.length, 'addEventListener and onmessage both hear every message');
  await eventually(async () => (await frames('a')).frames.some((f) => f.t === 'application_state'), 'application_state (every second, as in Pup)');

  assert.equal(await host.runtime.invoke('live', 'badClose', { name: 'a' }), 'InvalidAccessError');
  const closed = await host.runtime.invoke('live', 'close', { name: 'a', code: 1000, reason: 'bye' }) as Record<string, unknown>;
  assert.deepEqual(closed, { event: 'close', readyState: 3, code: 1000, reason: 'bye', wasClean: true, message: undefined, order: ['open', 'close'], closingState: 2 });
  const atClose = (await frames('a')).frames.length;

  // After the close only the other socket hears: the process stops.
  const heardB = (await frames('b')).frames.length;
  await host.processes.stop('app', 'test');
  await eventually(async () => (await frames('b')).frames.slice(heardB).some((f) => f.t === 'process_status_changed' && f.d.status?.id === 'app'), 'the stop over socket b');
  assert.equal((await frames('a')).frames.length, atClose, 'a closed socket gets nothing more');
  assert.equal(await host.runtime.invoke('live', 'send', { name: 'a' }), Buffer.byteLength('ignored by the server'), 'sent after close: counted, never sent');
  const closedB = await host.runtime.invoke('live', 'close', { name: 'b' }) as Record<string, unknown>;
  assert.equal(closedB.code, 1005, 'no code given: 1005, as the browser reports it');
});

test('the handshake is refused as Pup\'s server refuses it: no or a bad token is 401, another path is not upgraded; error, then close 1006', async (t) => {
  const folder = folderWith({ 'live.ts': liveView });
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, { plugins: [{ url: './live.ts', id: 'live' }] });
  t.after(close);
  const refused = (message: RegExp) => (outcome: unknown) => {
    const o = outcome as Record<string, unknown>;
    assert.deepEqual({ ...o, message: undefined }, { event: 'close', readyState: 3, code: 1006, reason: '', wasClean: false, message: undefined, order: ['error', 'close'] });
    assert.match(String(o.message), message);
  };
  refused(/^Unexpected server response: 401 \(Authorization header required\)$/)(await host.runtime.invoke('live', 'connect', { name: 'none', auth: 'none' }));
  refused(/^Unexpected server response: 401 \(Invalid authorization format\)$/)(await host.runtime.invoke('live', 'connect', { name: 'basic', auth: 'Basic dXNlcjpwdw==' }));
  refused(/^Unexpected server response: 401 \(.*token.*\)$/i)(await host.runtime.invoke('live', 'connect', { name: 'forged', auth: 'Bearer pdk1.forged.token' }));
  refused(/^Unexpected server response: 404 /)(await host.runtime.invoke('live', 'connect', { name: 'path', path: '/events' }));
  refused(/^Unexpected server response: 200 /)(await host.runtime.invoke('live', 'connect', { name: 'rest', path: '/processes' }));
  for (const name of ['none', 'basic', 'forged', 'path', 'rest']) {
    assert.deepEqual(await host.runtime.invoke('live', 'frames', { name }), { frames: [], listened: 0, readyState: 3 });
  }
  // The same plugin's valid token still opens it.
  assert.equal((await host.runtime.invoke('live', 'connect', { name: 'ok' }) as { event: string }).event, 'open');
});

test('a WebSocket to any other URL goes to the sandbox\'s gated WebSocket (net grant needed), or on Node 20 is refused with a clear error', async (t) => {
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((resolve) => server.once('listening', resolve));
  server.on('connection', (socket) => socket.send('hello from elsewhere'));
  t.after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const url = `ws://127.0.0.1:${(server.address() as { port: number }).port}/`;

  const folder = folderWith({ 'live.ts': liveView });
  t.after(folder.remove);
  const { host, close } = await startHost(folder.dir, {
    plugins: [
      { url: './live.ts', id: 'granted', permissions: { net: ['127.0.0.1'] } },
      { url: './live.ts', id: 'ungranted' },
    ],
  });
  t.after(close);

  const granted = await host.runtime.invoke('granted', 'other', { url }) as Record<string, unknown>;
  const ungranted = await host.runtime.invoke('ungranted', 'other', { url }) as Record<string, unknown>;
  if (typeof (globalThis as { WebSocket?: unknown }).WebSocket === 'function') {
    assert.deepEqual(granted, { message: 'hello from elsewhere', served: true }, 'instanceof WebSocket holds for the gated one too');
    assert.equal(ungranted.threw, 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.match(String(ungranted.message), /needs net access to "127\.0\.0\.1:\d+"/);
  } else {
    for (const outcome of [granted, ungranted]) {
      assert.equal(outcome.threw, 'PADDOCK_ERR_SANDBOX_UNSUPPORTED');
      assert.match(String(outcome.message), /has no WebSocket of its own; only ws:\/\/paddock\.invalid:1\/wss \(Pup's event stream\) is served here/);
    }
  }
});
