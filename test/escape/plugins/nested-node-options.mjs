// A Worker whose env carries NODE_OPTIONS: Node parses it for the new thread and would
// run a --require before the thread's gates.
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('nested-node-options', (t) => new Promise((resolve, reject) => {
  const preload = fileURLToPath(new URL('./nested-node-options-preload.cjs', import.meta.url));
  const worker = new Worker(new URL('./nested-node-options-body.mjs', import.meta.url), {
    workerData: t.secretFile,
    env: { NODE_OPTIONS: `--require ${preload}`, ESCAPE_SECRET_FILE: t.secretFile },
  });
  worker.once('message', (message) => {
    if (message.ok) resolve(message.value);
    else reject(Object.assign(new Error(message.message), { code: message.code }));
  });
  worker.once('error', reject);
}));
