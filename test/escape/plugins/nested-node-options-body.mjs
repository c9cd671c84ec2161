// Runs inside the nested worker of nested-node-options.mjs: what the preload got, else
// a read through the gates.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
try {
  parentPort.postMessage({ ok: true, value: globalThis.__preloaded ?? readFileSync(workerData, 'utf8') });
} catch (error) {
  parentPort.postMessage({ ok: false, code: error.code, message: error.message });
}
