/**
 * The Deno baseline's worker: a TypeScript module run with `permissions: "none"`. It
 * says it is there, then answers each message with the same value (the round trip).
 */
interface Ping {
  id: number;
  name: string;
  tags: string[];
}

self.onmessage = (event: MessageEvent<Ping>) => {
  self.postMessage(event.data);
};
self.postMessage({ type: 'ready' });
