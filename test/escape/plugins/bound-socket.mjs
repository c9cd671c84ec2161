// net.BoundSocket (recent Node 24, Node 26): a port bound before any server or client uses it.
// Where Node has none, net._createServerHandle binds the same way.
import net from 'node:net';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('bound-socket', () => {
  if (typeof net.BoundSocket !== 'function') {
    const handle = net._createServerHandle('127.0.0.1', 0, 4);
    if (typeof handle === 'number') return `bind failed: ${handle}`;
    const address = {};
    handle.getsockname(address);
    handle.close();
    return `bound: ${address.port > 0}`;
  }
  const bound = new net.BoundSocket({ host: '127.0.0.1', port: 0 });
  try {
    return `bound: ${bound.address().port > 0}`;
  } finally {
    bound.close();
  }
});
