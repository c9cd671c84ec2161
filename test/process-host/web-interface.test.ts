/**
 * A plugin shaped like Pup's web interface: its own HTTP server (under a `net` grant)
 * with a page, a JSON view of the processes, and a WebSocket live view of Pup's events
 * through node:http's `upgrade`. The test's browser is the `ws` client. Without the
 * grant the plugin cannot listen at all.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { test } from 'node:test';
import WebSocket from 'ws';
import { ApiProcessState } from '../../sdk/kernel/pup-api-definitions.js';
import { folderWith, nodeCmd, startHost, waitUntil } from './helpers.js';

const webInterface = `
import { createServer } from "node:http"
import { createHash } from "node:crypto"
import { PluginImplementation, type PluginConfiguration } from "jsr:@pup/plugin"
import { PupRestClient } from "jsr:@pup/api-client"

// The text frame of RFC 6455 a server sends (unmasked, FIN set).
function frame(text: string): Buffer {
  const payload = Buffer.from(text)
  const n = payload.length
  const header = n < 126 ? Buffer.from([0x81, n]) : n < 65536 ? Buffer.alloc(4) : Buffer.alloc(10)
  if (n >= 126 && n < 65536) { header[0] = 0x81; header[1] = 126; header.writeUInt16BE(n, 2) }
  if (n >= 65536) { header[0] = 0x81; header[1] = 127; header.writeBigUInt64BE(BigInt(n), 2) }
  return Buffer.concat([header, payload])
}

export class PupPlugin extends PluginImplementation {
  public meta = { name: "web-like", version: "1.0.0", api: "2.0.2", repository: "https://example.invalid/web-like" }
  private client: PupRestClient
  private server = createServer((req, res) => this.serve(req, res))
  private sockets = new Set<import("node:net").Socket>()
  private port: number

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.port = (config.options as { port: number }).port
    this.client = new PupRestClient(\`http://\${apiUrl}\`, apiToken, true)
    for (const event of ["process_status_changed", "log"]) {
      this.client.on(event, (d) => { for (const s of this.sockets) s.write(frame(JSON.stringify({ t: event, d }))) })
    }
    this.server.on("upgrade", (req, socket) => {
      if (req.url !== "/wss") { socket.destroy(); return }
      const accept = createHash("sha1").update(req.headers["sec-websocket-key"] + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11").digest("base64")
      socket.write("HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: " + accept + "\\r\\n\\r\\n")
      this.sockets.add(socket)
      socket.on("close", () => this.sockets.delete(socket))
      socket.on("error", () => this.sockets.delete(socket))
    })
  }

  public actions = {
    listen: () => new Promise((resolve) => {
      this.server.once("error", (e: Error & { code?: string }) => resolve({ error: e.code ?? e.message }))
      this.server.listen(this.port, "127.0.0.1", () => resolve({ port: this.port }))
    }),
  }

  private async serve(req: import("node:http").IncomingMessage, res: import("node:http").ServerResponse) {
    if (req.url === "/processes") {
      const { data } = await this.client.getProcesses()
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(data))
      return
    }
    res.writeHead(200, { "content-type": "text/html" }).end("<h1>processes</h1>")
  }

  public async cleanup() {
    for (const s of this.sockets) s.destroy()
    await new Promise((resolve) => this.server.close(resolve))
    this.client.close()
    return true
  }
}
`;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

test('a web-interface-shaped plugin serves HTTP and a WebSocket live view of Pup events under a net grant, and cannot listen without it', async (t) => {
  const folder = folderWith({ 'web.ts': webInterface });
  t.after(folder.remove);
  const [port, otherPort] = [await freePort(), await freePort()];
  const { host, close } = await startHost(folder.dir, {
    processes: [{ id: 'app', cmd: nodeCmd('console.log("app up"); setInterval(() => {}, 1000)') }],
    plugins: [
      { url: './web.ts', id: 'web', options: { port }, permissions: { net: ['127.0.0.1'] } },
      { url: './web.ts', id: 'ungranted', options: { port: otherPort } },
    ],
  });
  t.after(close);

  await assert.rejects(host.runtime.invoke('ungranted', 'listen'), /needs net access to "127\.0\.0\.1:\d+" \(grant permissions\.net\)/, 'listening without a net grant is refused');
  assert.deepEqual(await host.runtime.invoke('web', 'listen'), { port });

  const page = await fetch(`http://127.0.0.1:${port}/`);
  assert.equal(await page.text(), '<h1>processes</h1>');
  const processes = await (await fetch(`http://127.0.0.1:${port}/processes`)).json() as Array<{ status: { id: string } }>;
  assert.deepEqual(processes.map((p) => p.status.id), ['app']);

  const ws = new WebSocket(`ws://127.0.0.1:${port}/wss`);
  t.after(() => ws.terminate());
  const frames: Array<{ t: string; d: { new?: number; text?: string; status?: { id: string } } }> = [];
  ws.on('message', (data) => frames.push(JSON.parse(String(data))));
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  assert.equal(host.processes.start('app', 'test'), true);
  await waitUntil(() => host.processes.get('app')!.state === ApiProcessState.RUNNING, 'app to run');
  await waitUntil(() => frames.some((f) => f.t === 'process_status_changed' && f.d.new === ApiProcessState.RUNNING && f.d.status?.id === 'app') || undefined, 'the RUNNING status over the WebSocket');
  await waitUntil(() => frames.some((f) => f.t === 'log' && f.d.text === 'app up') || undefined, 'the process output over the WebSocket');
});
