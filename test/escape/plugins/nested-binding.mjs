// process.binding from a Worker the plugin starts: the gates apply there too, and in a
// process of its own Node's permission model must too (a Worker given execArgv loses it).
import { Worker } from 'node:worker_threads';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('nested-binding', () => new Promise((resolve, reject) => {
  const worker = new Worker(new URL('./nested-binding-body.mjs', import.meta.url));
  worker.once('message', (message) => {
    if (message.ok) resolve(message.value);
    else reject(Object.assign(new Error(message.message), { code: message.code }));
  });
  worker.once('error', reject);
}));
