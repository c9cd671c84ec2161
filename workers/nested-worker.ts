/**
 * Entry of a Worker started by plugin code (see gates/workers.ts): the same module
 * hooks and gates as the plugin's own thread, then the plugin's module.
 *
 * What this thread is given (its sandbox, its loader settings, the module to run)
 * comes over the MessagePort the gate created and posted to before the thread
 * started; `workerData` only carries that port. The plugin's own workerData then
 * replaces it before plugin code can look. A second evaluation of this file in a
 * thread whose gates are in place (a plugin importing it under another URL) refuses
 * to do anything.
 */
import './nested-entry-guard.js';
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';
import { lockMessagePorts } from './lock-ports.js';
import { ownExternalMemoryMb } from './external-memory.js';
import { NESTED_MARK, type NestedHandoff, type NestedInit } from './gates/workers.js';
import { installModuleHooks } from './loader/install.js';
import { enterSandbox } from './sandbox.js';

// Nothing of the plugin's has run in this thread yet: these are Node's own.
const { MessagePort, receiveMessageOnPort } = workerThreads;
const MessagePortPostMessage = MessagePort.prototype.postMessage;
const ReflectApply = Reflect.apply;
lockMessagePorts();
const handoff = workerThreads.workerData as NestedHandoff | undefined;
if (handoff?.mark !== NESTED_MARK || !(handoff.port instanceof MessagePort)) {
  throw new Error('workers/nested-worker.js runs only as a worker started by a plugin');
}
const received = receiveMessageOnPort(handoff.port);
handoff.port.close();
const init = received?.message as NestedInit | undefined;
if (init?.mark !== NESTED_MARK) throw new Error('workers/nested-worker.js: the gate did not hand this worker its sandbox');
const loader = installModuleHooks(init.loader);
Object.defineProperty(workerThreads, 'workerData', { value: init.workerData, writable: true, enumerable: true, configurable: true });
syncBuiltinESMExports();
const reports = init.reports;
reports.unref();
// This thread's external memory counts against the plugin's: reported to the gate that started it.
setInterval(() => ReflectApply(MessagePortPostMessage, reports, [ownExternalMemoryMb()]), 250).unref();
await enterSandbox(init.sandbox, {
  loader,
  loaderConfig: init.loader,
  report: (report) => reports.postMessage(report),
  fillEnv: false,
});
await import(init.target);
