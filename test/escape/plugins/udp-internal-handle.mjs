// dgram's internal UDP handle (a symbol-keyed field of the socket), used directly.
import dgram from 'node:dgram';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('udp-internal-handle', (t) => {
  const socket = dgram.createSocket('udp4');
  const state = Object.getOwnPropertySymbols(socket).map((key) => socket[key]).find((value) => value && typeof value.handle === 'object');
  const handle = state.handle;
  try {
    const status = handle.connect('127.0.0.1', t.udpPort);
    const peer = {};
    handle.getpeername(peer);
    return `raw connect ${status}, peer ${peer.port}`;
  } finally {
    socket.close();
  }
});
