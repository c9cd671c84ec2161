/**
 * A plugin shaped like Pup's web interface (our own, much smaller): an HTTP server
 * with the process list as JSON and a live view of Pup's events over a WebSocket at
 * /wss, frames `{ t: event, d: data }` as Pup's own /wss sends them.
 */
import { createHash } from "node:crypto"
import { createServer, type IncomingMessage, type ServerResponse } from "node:http"
import type { Socket } from "node:net"
import { type PluginConfiguration, PluginImplementation } from "jsr:@pup/plugin"
import { PupRestClient } from "jsr:@pup/api-client"

const EVENTS = ["log", "process_status_changed", "process_scheduled", "application_state"]
const WS_GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11"

// An unmasked text frame (RFC 6455), as a server sends it.
function textFrame(text: string): Buffer {
  const payload = Buffer.from(text)
  const n = payload.length
  let header: Buffer
  if (n < 126) header = Buffer.from([0x81, n])
  else if (n < 65536) {
    header = Buffer.from([0x81, 126, 0, 0])
    header.writeUInt16BE(n, 2)
  } else {
    header = Buffer.alloc(10)
    header[0] = 0x81
    header[1] = 127
    header.writeBigUInt64BE(BigInt(n), 2)
  }
  return Buffer.concat([header, payload])
}

export class PupPlugin extends PluginImplementation {
  public meta = { name: "web-interface-example", version: "1.0.0", api: "2.0.2", repository: "https://example.invalid/web-interface-example" }
  private client: PupRestClient
  private sockets = new Set<Socket>()
  private server = createServer((req, res) => void this.serve(req, res))

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    const { port = 8002 } = (config.options ?? {}) as { port?: number }
    this.client = new PupRestClient(`http://${apiUrl}`, apiToken, true)
    for (const event of EVENTS) this.client.on(event, (d) => this.broadcast(event, d))
    this.server.on("upgrade", (req, socket: Socket) => this.upgrade(req, socket))
    this.server.listen(port, "127.0.0.1", () => void this.client.sendLog("info", "web-interface", `listening on http://127.0.0.1:${port}`))
  }

  public async refreshApiToken(token: string) {
    this.client.refreshApiToken(token)
  }

  private broadcast(t: string, d: unknown) {
    const frame = textFrame(JSON.stringify({ t, d }))
    for (const socket of this.sockets) socket.write(frame)
  }

  private upgrade(req: IncomingMessage, socket: Socket) {
    const key = req.headers["sec-websocket-key"]
    if (req.url !== "/wss" || typeof key !== "string") return void socket.destroy()
    const accept = createHash("sha1").update(key + WS_GUID).digest("base64")
    socket.write(`HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`)
    this.sockets.add(socket)
    socket.on("close", () => this.sockets.delete(socket))
    socket.on("error", () => this.sockets.delete(socket))
  }

  private async serve(req: IncomingMessage, res: ServerResponse) {
    if (req.url === "/processes") {
      const { data } = await this.client.getProcesses()
      res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(data))
      return
    }
    res.writeHead(200, { "content-type": "text/html" }).end(
      `<!doctype html><title>processes</title><pre id="log"></pre><script>
       const ws = new WebSocket("ws://" + location.host + "/wss")
       ws.onmessage = (m) => { const { t, d } = JSON.parse(m.data); if (t === "log") log.textContent += d.text + "\\n" }
       </script>`,
    )
  }

  public async cleanup() {
    for (const socket of this.sockets) socket.destroy()
    await new Promise((resolve) => this.server.close(resolve))
    this.client.close()
    return true
  }
}
