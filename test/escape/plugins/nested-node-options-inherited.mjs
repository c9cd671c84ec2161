// A Worker that inherits NODE_OPTIONS from the plugin's process.env: Node parses it for
// the new thread and would run a --require before the thread's gates.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('nested-node-options-inherited', (t) => new Promise((resolve, reject) => {
  const preload = fileURLToPath(new URL('./nested-node-options-preload.cjs', import.meta.url));
  // Set in the plugin's own environment, which a Worker without `env` inherits.
  process.env.NODE_OPTIONS = `--require ${preload}`;
  process.env.ESCAPE_SECRET_FILE = t.secretFile;
  const worker = new Worker(new URL('./nested-node-options-body.mjs', import.meta.url), { workerData: t.secretFile });
  worker.once('message', (message) => {
    if (message.ok) resolve(message.value);
    else reject(Object.assign(new Error(message.message), { code: message.code }));
  });
  worker.once('error', reject);
}));
