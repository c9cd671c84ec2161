/**
 * Tasks, embedded: run a plugin's task in its pool with progress, and cancel one.
 * Run it with `npm run build && node dist/examples/models/tasks-host.js`.
 */
import { fileURLToPath } from 'node:url';
import { PluginRuntime, isPaddockError } from 'paddock-runtime';

const runtime = new PluginRuntime({ logLevel: 'warn' });
await runtime.load(
  { url: './primes.ts', pool: { size: 2, queueLimit: 4, taskTimeoutMs: 30_000 } },
  { baseDir: fileURLToPath(new URL('../../../examples/plugins/', import.meta.url)) },
);
console.log('tasks:', runtime.get('primes')?.tasks.map((task) => task.name));

const result = await runtime.runTask('primes', 'countPrimes', { below: 3_000_000 }, {
  onProgress: ({ value, message }) => console.log(`${Math.round(value * 100)}% ${message}`),
});
console.log('result:', result);

// Cancel a long one as soon as it reports progress: the task sees its AbortSignal and stops.
const cancel = new AbortController();
try {
  await runtime.runTask('primes', 'countPrimes', { below: 150_000_000 }, { signal: cancel.signal, onProgress: () => cancel.abort() });
} catch (error) {
  if (!isPaddockError(error, 'PADDOCK_ERR_TASK_CANCELLED')) throw error;
  console.log('cancelled:', error.message);
}
await runtime.close();
