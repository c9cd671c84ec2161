// net._createServerHandle: a bound server handle that listens by itself (no net.Server).
import net from 'node:net';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('server-handle', () => {
  const handle = net._createServerHandle('127.0.0.1', 0, 4);
  if (typeof handle === 'number') return `bind failed: ${handle}`;
  try {
    const address = {};
    handle.getsockname(address);
    return `listening: ${handle.listen(16) === 0 && address.port > 0}`;
  } finally {
    handle.close();
  }
});
