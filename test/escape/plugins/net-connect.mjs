// A raw TCP connection.
import net from 'node:net';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('net-connect', (t) => new Promise((resolve, reject) => {
  const socket = net.connect(t.httpPort, '127.0.0.1');
  let reply = '';
  socket.on('error', reject);
  socket.on('data', (chunk) => { reply += chunk; });
  socket.on('end', () => resolve(reply.split('\r\n\r\n')[1]));
  socket.write('GET /v/net-connect HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n');
}));
