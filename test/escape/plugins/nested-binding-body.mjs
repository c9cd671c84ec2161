// Runs inside the nested worker of nested-binding.mjs.
import { parentPort } from 'node:worker_threads';
try {
  const fs = process.binding('fs');
  parentPort.postMessage({ ok: true, value: typeof fs.open === 'function' ? 'raw fs binding' : 'no binding' });
} catch (error) {
  parentPort.postMessage({ ok: false, code: error.code, message: error.message });
}
