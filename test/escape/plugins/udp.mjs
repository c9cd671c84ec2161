// A UDP datagram.
import dgram from 'node:dgram';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('udp', (t) => new Promise((resolve, reject) => {
  const socket = dgram.createSocket('udp4');
  socket.on('error', reject);
  try {
    socket.send('escape-udp', t.udpPort, '127.0.0.1', (error) => {
      socket.close();
      if (error) reject(error);
      else resolve('sent');
    });
  } catch (error) {
    socket.close();
    throw error;
  }
}));
