/**
 * Entry of every plugin worker. It imports only the protocol, the SDK, the loader and
 * the sandbox, never host code. Boot order matters: module hooks are installed before
 * any plugin code can be imported; on init the permission gates and the module policy
 * are in place, and the worker link attached, before the plugin's module is imported
 * (so `this.client` works from the constructor on).
 *
 * A booted worker waits for one InitMessage; the runtime may keep booted workers as
 * warm spares and hand them a plugin later.
 */
import { parentPort } from 'node:worker_threads';
import { installModuleHooks } from './loader/install.js';
import { pluginLoaderConfig } from './loader/plugin-loader-config.js';
import { wrapWebGlobals } from './gates/web-globals.js';
import { externalMemoryMb, runPlugin } from './run-plugin.js';
import { HEARTBEAT_SLOTS, PROTOCOL_VERSION, type InitMessage, type WorkerMessage } from '../sdk/kernel/protocol.js';

if (!parentPort) throw new Error('workers/bootstrap.js must run in a worker thread');
const port = parentPort;

const loaderConfig = pluginLoaderConfig();
const loader = installModuleHooks(loaderConfig);
// Costly on Node ≥ 22 (it loads undici): done at boot, so a warm spare has it ready.
wrapWebGlobals();

// Captured now: plugin code may replace the globals later.
const AtomicsAdd = Atomics.add;
const AtomicsStore = Atomics.store;

function startHeartbeat(buffer: SharedArrayBuffer, intervalMs: number): void {
  const beat = new Int32Array(buffer);
  // The host reads this counter; if it stops moving, the event loop is blocked.
  // Next to it, the external memory the host's limit watches.
  const tick = () => {
    AtomicsAdd(beat, HEARTBEAT_SLOTS.beat, 1);
    if (beat.length > HEARTBEAT_SLOTS.externalMb) AtomicsStore(beat, HEARTBEAT_SLOTS.externalMb, externalMemoryMb());
  };
  setInterval(tick, intervalMs).unref();
  tick();
}

port.once('message', (message: InitMessage) => {
  if (message?.type !== 'paddock:init' || message.protocol !== PROTOCOL_VERSION) {
    throw new Error(`paddock worker: expected an init message of protocol ${PROTOCOL_VERSION}`);
  }
  startHeartbeat(message.heartbeat, message.heartbeatIntervalMs);
  runPlugin(message.plugin, { control: message.control, api: message.api, events: message.events }, loader, loaderConfig)
    .catch((error: unknown) => {
      // The sandbox could not be set up: die loudly rather than run the plugin without it.
      process.nextTick(() => {
        throw error;
      });
    });
});
port.postMessage({ type: 'paddock:booted', protocol: PROTOCOL_VERSION } satisfies WorkerMessage);
