/**
 * Baseline: a raw postMessage round trip over a MessagePort, the floor under any
 * RPC over the same channel. The runner echoes each message back.
 */
import { workerData, type MessagePort } from 'node:worker_threads';
import { serveRuns } from './round-trip-loop.js';

const port = (workerData as { port: MessagePort }).port;
let pending: ((value: unknown) => void) | undefined;
port.on('message', (message: unknown) => {
  const resolve = pending;
  pending = undefined;
  resolve?.(message);
});

serveRuns((payload) => new Promise((resolve) => {
  pending = resolve;
  port.postMessage(payload);
}));
