// WebSocket (undici, inside Node ≥ 22): the global is only Node's own on its first read.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('websocket', (t) => {
  if (!('WebSocket' in globalThis)) return 'no WebSocket on this Node line';
  const socket = new WebSocket(`ws://127.0.0.1:${t.httpPort}/v/websocket`);
  return new Promise((resolve) => {
    // The listener is plain HTTP: the handshake reaches it and is answered without an upgrade.
    socket.addEventListener('open', () => { socket.close(); resolve('open'); });
    socket.addEventListener('error', () => resolve('handshake answered'));
  });
});
