// The parent class of tty.WriteStream is the real net.Socket (Node subclassed it before
// the gates): wrap a descriptor the plugin did not open (a socket of the host in a
// worker; the supervision channel of the child in a process).
import { isMainThread } from 'node:worker_threads';
import tty from 'node:tty';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('socket-parent-fd', (t) => {
  const RealSocket = Object.getPrototypeOf(tty.WriteStream);
  const fd = isMainThread ? 3 : t.spareSocketFd;
  const socket = new RealSocket({ fd, readable: false, writable: false });
  return `wrapped descriptor ${fd}: ${socket._handle ? 'yes' : 'no'}`;
});
