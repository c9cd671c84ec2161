// Comlink's own Node adapter ships without a declaration next to its .mjs file; the
// bare-Comlink baseline uses it as Comlink's docs show, so the baseline is Comlink as is.
declare module 'comlink/dist/esm/node-adapter.mjs' {
  import type { Endpoint } from 'comlink';

  import type { MessagePort } from 'node:worker_threads';

  export default function nodeEndpoint(endpoint: MessagePort): Endpoint;
}
