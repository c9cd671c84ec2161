// A TCP connection to a host name: the gate checks the name, the native layer the
// address it was looked up as (granted only through that lookup).
import net from 'node:net';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('net-by-name', (t) => new Promise((resolve, reject) => {
  const socket = net.connect({ host: 'localhost', port: t.httpPort });
  let reply = '';
  socket.on('error', reject);
  socket.on('data', (chunk) => { reply += chunk; });
  socket.on('end', () => resolve(reply.split('\r\n\r\n')[1]));
  socket.write('GET /v/net-by-name HTTP/1.0\r\nHost: localhost\r\n\r\n');
}));
