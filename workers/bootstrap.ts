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
import { MessagePort, parentPort } from 'node:worker_threads';
import { lockMessagePorts } from './lock-ports.js';
import { installModuleHooks } from './loader/install.js';
import { pluginLoaderConfig } from './loader/plugin-loader-config.js';
import { wrapWebGlobals } from './gates/web-globals.js';
import { runPlugin } from './run-plugin.js';
import { externalMemoryMb } from './external-memory.js';
import { PROTOCOL_VERSION, type InitMessage, type WorkerMessage } from '../sdk/kernel/protocol.js';
import { ReflectApply } from '../sdk/kernel/primordials.js';

if (!parentPort) throw new Error('workers/bootstrap.js must run in a worker thread');
const port = parentPort;
// First: every port this thread will receive (the init message's included) is then out of reach of prototype hooks.
lockMessagePorts();

const loaderConfig = pluginLoaderConfig();
const loader = installModuleHooks(loaderConfig);
// Costly on Node ≥ 22 (it loads undici): done at boot, so a warm spare has it ready.
wrapWebGlobals();

// Captured now: plugin code may replace the prototype's method later.
const MessagePortPostMessage = MessagePort.prototype.postMessage;

/**
 * Answers the host's liveness pings (sdk/kernel/worker-liveness.ts) from this thread's
 * event loop, with the thread's external memory in MB. The port stays in this closure:
 * the answer is a number, read and written with no lookup a plugin could hook.
 */
function answerLiveness(liveness: MessagePort): void {
  liveness.on('message', () => {
    ReflectApply(MessagePortPostMessage, liveness, [externalMemoryMb()]);
  });
  // A first answer now, before the plugin's code: watching starts here, so a plugin that
  // blocks its loop before the host's first ping is answered is still seen blocked.
  ReflectApply(MessagePortPostMessage, liveness, [externalMemoryMb()]);
  // Pings alone must not keep a finished plugin's thread alive.
  liveness.unref();
}

port.once('message', (message: InitMessage) => {
  if (message?.type !== 'paddock:init' || message.protocol !== PROTOCOL_VERSION) {
    throw new Error(`paddock worker: expected an init message of protocol ${PROTOCOL_VERSION}`);
  }
  // The protocol uses this port for nothing more, and plugin code can reach it (it is
  // worker_threads.parentPort): whatever it posted there would reach the receiving process
  // as structured clone makes it, unbounded (twenty references to one 40 MB string are
  // 800 MB there) and out of any window. Closed, it takes nothing more.
  port.close();
  answerLiveness(message.liveness);
  runPlugin(message.plugin, { control: message.control, api: message.api, events: message.events }, loader, loaderConfig, message.credit)
    .catch((error: unknown) => {
      // The sandbox could not be set up: die loudly rather than run the plugin without it.
      process.nextTick(() => {
        throw error;
      });
    });
});
port.postMessage({ type: 'paddock:booted', protocol: PROTOCOL_VERSION } satisfies WorkerMessage);
