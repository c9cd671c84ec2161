// Runs inside the nested worker of nested-worker.mjs.
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
try {
  parentPort.postMessage({ ok: true, value: readFileSync(workerData, 'utf8') });
} catch (error) {
  parentPort.postMessage({ ok: false, code: error.code, message: error.message });
}
