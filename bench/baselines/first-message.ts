/**
 * Baseline for start-up: the least a worker thread or a child process can do, say it
 * is there. As a worker it posts one message (after loading what workerData.preload
 * names, see preload.ts); as a process it prints one line.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { preload, type Preload } from './preload.js';

if (parentPort) {
  await preload((workerData as { preload?: Preload } | undefined)?.preload);
  parentPort.postMessage({ type: 'ready' });
} else {
  process.stdout.write('ready\n');
}
