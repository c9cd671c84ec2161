// A `path` inherited from Object.prototype (a getter that answers differently each
// time) next to a granted TCP address: Node must connect where the gate decided, the
// TCP port. An explicit path (the plugin's own option) is what reaches the Unix socket.
import net from 'node:net';
import { vector } from './_vector.mjs';

function request(options, route) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(options, () => socket.write(`GET ${route} HTTP/1.0\r\nHost: x\r\n\r\n`));
    let text = '';
    socket.setEncoding('utf8');
    socket.on('data', (chunk) => { text += chunk; });
    socket.on('end', () => resolve(text.slice(text.indexOf('\r\n\r\n') + 4)));
    socket.on('error', reject);
  });
}

export const PupPlugin = vector('proto-path', async (t) => {
  let reads = 0;
  Object.defineProperty(Object.prototype, 'path', { configurable: true, get: () => (reads++ === 0 ? undefined : t.unixSocketPath) });
  let inherited;
  try {
    inherited = await request({ host: '127.0.0.1', port: t.httpPort }, '/v/proto-path-inherited');
  } finally {
    delete Object.prototype.path;
  }
  const own = await request({ path: t.unixSocketPath }, '/v/proto-path-own');
  return `${inherited} | ${own}`;
});
