// A UDP socket joins a multicast group (libuv binds it to an ephemeral port first): the
// kernel announces the join on the host's network. No bind() of its own, which Node's
// permission model (Node >= 25, process tier) would refuse before the join is tried.
import dgram from 'node:dgram';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('multicast-join', () => new Promise((resolve, reject) => {
  const socket = dgram.createSocket('udp4');
  socket.once('error', reject);
  try {
    socket.addMembership('239.255.77.77');
    resolve('joined');
  } catch (error) {
    reject(error);
  } finally {
    socket.close();
  }
}));
