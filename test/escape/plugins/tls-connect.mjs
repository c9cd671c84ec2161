// tls.connect (a TLS client opens its own socket).
import tls from 'node:tls';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('tls-connect', (t) => new Promise((resolve, reject) => {
  const socket = tls.connect({ host: '127.0.0.1', port: t.httpPort, rejectUnauthorized: false });
  // The listener speaks plain HTTP: the handshake fails after the connection was made.
  socket.once('error', (error) => (error.code === 'PADDOCK_ERR_PERMISSION_DENIED' ? reject(error) : resolve(`connected, then ${error.code}`)));
  socket.once('secureConnect', () => resolve('secure'));
}));
