/**
 * Entry of a Worker started by plugin code (see gates/workers.ts): the same module
 * hooks and gates as the plugin's own thread, then the plugin's module. The plugin's
 * workerData replaces the init record before its code can look.
 */
import { syncBuiltinESMExports } from 'node:module';
import workerThreads from 'node:worker_threads';
import { NESTED_MARK, type NestedInit } from './gates/workers.js';
import { installModuleHooks } from './loader/install.js';
import { enterSandbox } from './sandbox.js';

const init = workerThreads.workerData as NestedInit;
if (init?.mark !== NESTED_MARK) throw new Error('workers/nested-worker.js runs only as a worker started by a plugin');
const loader = installModuleHooks(init.loader);
Object.defineProperty(workerThreads, 'workerData', { value: init.workerData, writable: true, enumerable: true, configurable: true });
syncBuiltinESMExports();
const reports = init.reports;
reports.unref();
await enterSandbox(init.sandbox, {
  loader,
  loaderConfig: init.loader,
  report: (report) => reports.postMessage(report),
  fillEnv: false,
});
await import(init.target);
