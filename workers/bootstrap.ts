/**
 * Entry of every plugin worker. It imports only the protocol, the SDK and the loader,
 * never host code. Boot order matters: module hooks are installed before any plugin
 * code can be imported, and the worker link is attached before the plugin's
 * constructor runs (so `this.client` works from the constructor on).
 *
 * A booted worker waits for one InitMessage; the runtime may keep booted workers as
 * warm spares and hand them a plugin later.
 */
import { parentPort } from 'node:worker_threads';
import { expose, wrap } from 'comlink';
import { reportPluginError } from '../sdk/client.js';
import { EventStream } from '../sdk/internal/event-stream.js';
import { portEndpoint } from '../sdk/internal/port-endpoint.js';
import { attachWorkerLink, type WorkerLink } from '../sdk/internal/worker-link.js';
import { installModuleHooks } from './loader/install.js';
import { pluginLoaderConfig } from './loader/plugin-loader-config.js';
import { createPluginControl } from './plugin-control.js';
import { PROTOCOL_VERSION, type HostEndpoint, type InitMessage, type WorkerMessage } from './protocol.js';

if (!parentPort) throw new Error('workers/bootstrap.js must run in a worker thread');
const port = parentPort;

installModuleHooks(pluginLoaderConfig());

function startHeartbeat(buffer: SharedArrayBuffer, intervalMs: number): void {
  const beat = new Int32Array(buffer);
  // The host reads this counter; if it stops moving, the event loop is blocked.
  setInterval(() => Atomics.add(beat, 0, 1), intervalMs).unref();
  Atomics.add(beat, 0, 1);
}

function init(message: InitMessage): void {
  const boot = message.plugin;
  startHeartbeat(message.heartbeat, message.heartbeatIntervalMs);
  const host = wrap<HostEndpoint>(portEndpoint(message.api));
  const link = {
    pluginId: boot.id,
    apiUrl: boot.apiUrl,
    token: boot.token,
    callTimeoutMs: boot.callTimeoutMs,
    host,
    tokenListeners: new Set<(token: string) => void>(),
  } as Omit<WorkerLink, 'events'> as WorkerLink;
  link.events = new EventStream(message.events, host, () => link.token, (where, error) => reportPluginError(link, where, error));
  attachWorkerLink(link);
  expose(createPluginControl(boot, link), portEndpoint(message.control));
}

port.once('message', (message: InitMessage) => {
  if (message?.type !== 'paddock:init' || message.protocol !== PROTOCOL_VERSION) {
    throw new Error(`paddock worker: expected an init message of protocol ${PROTOCOL_VERSION}`);
  }
  init(message);
});
port.postMessage({ type: 'paddock:booted', protocol: PROTOCOL_VERSION } satisfies WorkerMessage);
