/** Baseline: bare Comlink over a MessagePort (its own Node adapter), calling the runner's `echo`. */
import { workerData, type MessagePort } from 'node:worker_threads';
import { wrap } from 'comlink';
import nodeEndpoint from 'comlink/dist/esm/node-adapter.mjs';
import { serveRuns } from './round-trip-loop.js';
import type { EchoPayload } from './protocol.js';

const host = wrap<{ echo(payload: EchoPayload): EchoPayload }>(nodeEndpoint((workerData as { port: MessagePort }).port));
serveRuns((payload) => host.echo(payload));
