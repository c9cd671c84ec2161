// A UDP socket bound to an ephemeral port joins a multicast group: the kernel announces
// the join on the host's network.
import dgram from 'node:dgram';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('multicast-join', () => new Promise((resolve, reject) => {
  const socket = dgram.createSocket('udp4');
  socket.once('error', reject);
  socket.bind(0, () => {
    try {
      socket.addMembership('239.255.77.77');
      resolve('joined');
    } catch (error) {
      reject(error);
    } finally {
      socket.close();
    }
  });
}));
