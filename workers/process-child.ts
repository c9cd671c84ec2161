/**
 * Entry of a process-isolated plugin: a child Node process started under Node's
 * permission model (runtime/transport/process-transport.ts), running the same
 * bootstrap logic as a worker thread: module hooks at boot; gates, module policy and
 * the API client on init; the plugin imported by control.start(). The three channels
 * are multiplexed over the IPC channel; the heartbeat is the answer to the host's ping.
 *
 * When the host goes away (the IPC channel closes), the plugin process ends.
 */
import { ChannelPort } from '../sdk/kernel/channel-port.js';
import { installModuleHooks } from './loader/install.js';
import { pluginLoaderConfig } from './loader/plugin-loader-config.js';
import { runPlugin } from './run-plugin.js';
import { endNow } from './end-now.js';
import { boundProcessSend } from './bounded-post.js';
import { externalMemoryMb } from './external-memory.js';
import { CHANNELS, PROTOCOL_VERSION, type ChannelName, type ChildProcessMessage, type HostProcessMessage } from '../sdk/kernel/protocol.js';

if (typeof process.send !== 'function') throw new Error('workers/process-child.js must be started by Paddock with an IPC channel');
const send = process.send.bind(process) as (message: ChildProcessMessage) => boolean;

const loaderConfig = pluginLoaderConfig();
const loader = installModuleHooks(loaderConfig);

const ports = Object.fromEntries(CHANNELS.map((c) => [c, new ChannelPort((d) => {
  send({ t: 'msg', c, d });
})])) as Record<ChannelName, ChannelPort>;

let started = false;
process.on('message', (message: HostProcessMessage) => {
  if (message?.t === 'msg') {
    ports[message.c]?.deliver(message.d);
    return;
  }
  if (message?.t === 'ping') {
    // Answered here, on the main thread's loop: the host checks that this thread wrote it.
    if (started) send({ t: 'beat', n: message.n, m: externalMemoryMb() });
    return;
  }
  if (message?.t !== 'init' || started) return;
  if (message.protocol !== PROTOCOL_VERSION) throw new Error(`paddock plugin process: expected protocol ${PROTOCOL_VERSION}`);
  started = true;
  // Before any plugin code: it shares this `process`, and what it sends there is decoded by the
  // host. The runtime's own messages pass the same bound (with room for their tag).
  boundProcessSend({ plugin: message.plugin.id, maxBytes: message.plugin.maxSendBytes + 1_024 });
  runPlugin(message.plugin, ports, loader, loaderConfig).catch((error: unknown) => {
    process.nextTick(() => {
      throw error;
    });
  });
});
// Nested workers of the plugin may be stuck in a system call: exit(0) would wait for them.
process.on('disconnect', endNow);
send({ t: 'booted', protocol: PROTOCOL_VERSION });
