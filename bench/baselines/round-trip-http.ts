/**
 * Baseline: HTTP + JSON on loopback, the way Pup's plugins reach Pup (its REST client
 * uses fetch; connections are kept alive).
 */
import { workerData } from 'node:worker_threads';
import { serveRuns } from './round-trip-loop.js';

const url = (workerData as { url: string }).url;
serveRuns(async (payload) => {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: 'Bearer bench-token' },
    body: JSON.stringify(payload),
  });
  if (!response.ok) throw new Error(`echo answered ${response.status}`);
  return response.json();
});
