/** The loop every round-trip baseline worker runs: answer `run` requests with timed samples. */
import { parentPort } from 'node:worker_threads';
import type { EchoPayload, RunReply, RunRequest } from './protocol.js';

/** Serve `run` requests from the runner, timing `roundTrip` n times in a row. */
export function serveRuns(roundTrip: (payload: EchoPayload) => Promise<unknown>): void {
  const port = parentPort!;
  port.on('message', async (message: RunRequest) => {
    if (message?.type !== 'run') return;
    const samples = new Float64Array(message.n);
    for (let i = 0; i < message.n; i++) {
      const start = performance.now();
      await roundTrip(message.payload);
      samples[i] = performance.now() - start;
    }
    port.postMessage({ type: 'samples', samples } satisfies RunReply);
  });
  port.postMessage({ type: 'ready' });
}
