/**
 * The example host's live dashboard, served by a plugin sandboxed like any other: it may
 * listen on its one port (a `net` grant), read through the host API (`read` scope:
 * pluginMetrics, prometheusMetrics, getProcesses, logs and the host's events) and press
 * buttons (`plugins` scope: reloadPlugin, stopPlugin). Everything it shows is
 * measured by the host, never reported by the plugins it shows.
 *
 *   GET  /               the page (public/: plain HTML, CSS, JavaScript; charts are SVG)
 *   GET  /api/state      latest figures, processes and the last minutes of history
 *   POST /api/plugins/<id>/reload | /stop
 *   GET  /metrics        the host's per-plugin metrics as Prometheus text
 *   WS   /live           frames { t: 'sample' | 'log' | 'event', d }
 */
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { PluginImplementation, type PluginConfiguration } from 'paddock-runtime/sdk';

interface Options {
  /** Port to listen on (its `net` grant must name it). */
  port: number;
  /** Address to listen on (default 127.0.0.1: loopback only). */
  host?: string;
  /** Sampling period in ms (default 1000). */
  intervalMs?: number;
  /** How much history the charts show, in minutes (default 5). */
  historyMinutes?: number;
}

interface Sample {
  at: number;
  plugins: Array<{ id: string; state: string; restarts: number; heapUsed?: number; rss?: number; elu?: number; calls: number; denials: number }>;
}

const WS_GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';
const EVENTS = ['log', 'process_status_changed', 'process_scheduled', 'ipc', 'terminating'];
const FILES: Record<string, [string, string]> = {
  '/': ['index.html', 'text/html; charset=utf-8'],
  '/app.js': ['app.js', 'text/javascript; charset=utf-8'],
  '/style.css': ['style.css', 'text/css; charset=utf-8'],
};

// An unmasked text frame (RFC 6455), as a server sends it.
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text);
  const n = payload.length;
  let header: Buffer;
  if (n < 126) header = Buffer.from([0x81, n]);
  else if (n < 65536) {
    header = Buffer.from([0x81, 126, 0, 0]);
    header.writeUInt16BE(n, 2);
  } else {
    header = Buffer.alloc(10);
    header[0] = 0x81;
    header[1] = 127;
    header.writeBigUInt64BE(BigInt(n), 2);
  }
  return Buffer.concat([header, payload]);
}

function sum(table: Record<string, number | { count: number }>): number {
  return Object.values(table).reduce<number>((a, v) => a + (typeof v === 'number' ? v : v.count), 0);
}

export class PupPlugin extends PluginImplementation<Options> {
  override meta = {
    name: 'dashboard',
    version: '1.0.0',
    api: '^1.0.0',
    repository: 'https://example.invalid/paddock/examples/plugins/dashboard',
  };

  readonly #sockets = new Set<Socket>();
  readonly #server = createServer((req, res) => void this.#serve(req, res).catch((error: unknown) => this.#error(res, error)));
  readonly #history: Sample[] = [];
  readonly #files = new Map<string, Buffer>();
  #latest: unknown;
  #processes: unknown = [];
  #timer: NodeJS.Timeout | undefined;
  #options: Required<Options>;

  constructor(config: PluginConfiguration<Options>, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken);
    const o = config.options;
    this.#options = { port: o.port, host: o.host ?? '127.0.0.1', intervalMs: o.intervalMs ?? 1000, historyMinutes: o.historyMinutes ?? 5 };
    // Its own folder is readable without a grant.
    for (const [, [file]] of Object.entries(FILES)) this.#files.set(file, readFileSync(new URL(`./public/${file}`, import.meta.url)));
    for (const event of EVENTS) this.client.on(event, (d) => this.#broadcast(event === 'log' ? 'log' : 'event', event === 'log' ? d : { event, data: d }));
    this.#server.on('upgrade', (req: IncomingMessage, socket: Socket) => this.#upgrade(req, socket));
  }

  override validate(): void {
    const { port } = this.#options;
    if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`options.port must be a port number, got ${JSON.stringify(port)}`);
  }

  override async configure(): Promise<void> {
    if (this.#server.listening) return;
    const { port, host } = this.#options;
    await new Promise<void>((resolve, reject) => {
      this.#server.once('error', reject);
      this.#server.listen(port, host, () => resolve());
    });
    await this.#sample();
    this.#timer = setInterval(() => void this.#sample().catch(() => {}), this.#options.intervalMs);
    await this.client.log('info', `dashboard at http://${host.includes(':') ? `[${host}]` : host}:${port}/`);
  }

  async #sample(): Promise<void> {
    const [metrics, processes] = await Promise.all([
      this.client.call('pluginMetrics') as Promise<{ at: number; plugins: Array<Record<string, any>> }>,
      this.client.call('getProcesses'),
    ]);
    this.#latest = metrics;
    this.#processes = processes;
    const sample: Sample = {
      at: metrics.at,
      plugins: metrics.plugins.map((p) => ({
        id: p.id, state: p.state, restarts: p.restarts, heapUsed: p.memory.heapUsed, rss: p.memory.rss, elu: p.eventLoopUtilization,
        calls: sum(p.hostCalls), denials: sum(p.denials),
      })),
    };
    this.#history.push(sample);
    const keep = Math.ceil((this.#options.historyMinutes * 60_000) / this.#options.intervalMs);
    if (this.#history.length > keep) this.#history.splice(0, this.#history.length - keep);
    this.#broadcast('sample', { metrics, processes, sample });
  }

  #broadcast(t: string, d: unknown): void {
    if (this.#sockets.size === 0) return;
    const frame = textFrame(JSON.stringify({ t, d }));
    for (const socket of this.#sockets) socket.write(frame);
  }

  #upgrade(req: IncomingMessage, socket: Socket): void {
    const key = req.headers['sec-websocket-key'];
    if (req.url !== '/live' || typeof key !== 'string') {
      socket.destroy();
      return;
    }
    const accept = createHash('sha1').update(key + WS_GUID).digest('base64');
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    this.#sockets.add(socket);
    // The page sends nothing but a close frame: any frame from it ends the socket.
    socket.on('data', () => socket.end());
    socket.on('close', () => this.#sockets.delete(socket));
    socket.on('error', () => this.#sockets.delete(socket));
  }

  async #serve(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://dashboard.invalid');
    const file = FILES[url.pathname];
    if (req.method === 'GET' && file) {
      res.writeHead(200, { 'content-type': file[1], 'cache-control': 'no-store' }).end(this.#files.get(file[0]));
      return;
    }
    if (req.method === 'GET' && url.pathname === '/api/state') {
      const logs = await this.client.call('logs', { nRows: 100 });
      this.#json(res, 200, { metrics: this.#latest, processes: this.#processes, history: this.#history, logs });
      return;
    }
    if (req.method === 'GET' && url.pathname === '/metrics') {
      const text = await this.client.call('prometheusMetrics') as string;
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(text);
      return;
    }
    const action = /^\/api\/plugins\/([^/]{1,200})\/(reload|stop)$/.exec(url.pathname);
    if (req.method === 'POST' && action) {
      // A page on another origin must not press the buttons: browsers send Origin on POST.
      const origin = req.headers.origin;
      if (origin !== undefined && origin !== `http://${req.headers.host}`) {
        this.#json(res, 403, { error: `origin ${origin} may not control plugins` });
        return;
      }
      const id = decodeURIComponent(action[1]!);
      await this.client.call(action[2] === 'reload' ? 'reloadPlugin' : 'stopPlugin', id);
      this.#json(res, 200, { ok: true, id, action: action[2] });
      await this.#sample();
      return;
    }
    this.#json(res, 404, { error: `no ${req.method} ${url.pathname} here` });
  }

  #json(res: ServerResponse, status: number, body: unknown): void {
    res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }).end(JSON.stringify(body));
  }

  #error(res: ServerResponse, error: unknown): void {
    if (res.headersSent) {
      res.destroy();
      return;
    }
    this.#json(res, 500, { error: error instanceof Error ? error.message : String(error) });
  }

  override async cleanup(): Promise<boolean> {
    clearInterval(this.#timer);
    for (const socket of this.#sockets) socket.destroy();
    await new Promise((resolve) => this.#server.close(resolve));
    return true;
  }
}
