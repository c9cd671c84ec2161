/**
 * Baseline for start-up: the least a worker thread or a child process can do, say it
 * is there. As a worker it posts one message; as a process it prints one line.
 */
import { parentPort } from 'node:worker_threads';

if (parentPort) parentPort.postMessage({ type: 'ready' });
else process.stdout.write('ready\n');
