// A Worker started by the plugin: does it inherit the sandbox?
import { Worker } from 'node:worker_threads';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('nested-worker', (t) => new Promise((resolve, reject) => {
  const worker = new Worker(new URL('./nested-worker-body.mjs', import.meta.url), { workerData: t.secretFile });
  worker.once('message', (message) => {
    if (message.ok) resolve(message.value);
    else reject(Object.assign(new Error(message.message), { code: message.code }));
  });
  worker.once('error', reject);
}));
