/**
 * Baseline for idle memory: a bare worker thread or a child process that does nothing
 * but answer "how much heap do you use". As a worker it talks on parentPort; as a
 * process it prints `ready`, then one JSON line per `memory` line on stdin. A worker
 * may load something first (see preload.ts).
 */
import { createInterface } from 'node:readline';
import { parentPort, workerData } from 'node:worker_threads';
import { preload, type Preload } from './preload.js';

const usage = () => ({ rss: process.memoryUsage().rss, heapUsed: process.memoryUsage().heapUsed });

if (parentPort) {
  await preload((workerData as { preload?: Preload } | undefined)?.preload);
  const port = parentPort;
  port.on('message', (message: { type?: string }) => {
    if (message?.type === 'memory') port.postMessage({ type: 'memory', ...usage() });
  });
  port.postMessage({ type: 'ready' });
} else {
  createInterface({ input: process.stdin }).on('line', (line) => {
    if (line === 'memory') process.stdout.write(`${JSON.stringify(usage())}\n`);
  });
  process.stdout.write('ready\n');
}
