// The real Worker class, one `prototype.constructor` away from the gated one: does its thread get the sandbox?
import { Worker } from 'node:worker_threads';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('worker-constructor', (t) => new Promise((resolve, reject) => {
  const RealWorker = Worker.prototype.constructor;
  const worker = new RealWorker(new URL('./nested-worker-body.mjs', import.meta.url), { workerData: t.secretFile });
  worker.once('message', (message) => {
    if (message.ok) resolve(message.value);
    else reject(Object.assign(new Error(message.message), { code: message.code }));
  });
  worker.once('error', reject);
}));
