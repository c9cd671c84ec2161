// The parent class of tty.WriteStream is the real net.Socket (Node subclassed it before
// the gates): wrap a descriptor the plugin did not open (a socket of the host in a
// worker; the supervision channel of the child in a process).
import { isMainThread } from 'node:worker_threads';
import tty from 'node:tty';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('socket-parent-fd', (t) => {
  const RealSocket = Object.getPrototypeOf(tty.WriteStream);
  const fd = isMainThread ? 3 : t.spareSocketFd;
  try {
    const socket = new RealSocket({ fd, readable: false, writable: false });
    return `wrapped descriptor ${fd}: ${socket._handle ? 'yes' : 'no'}`;
  } catch (error) {
    // The child's own channel is already open in its event loop (EEXIST): nothing of the host's.
    if (error.code === 'PADDOCK_ERR_PERMISSION_DENIED') throw error;
    return `not wrapped: ${error.code ?? error.message}`;
  }
});
