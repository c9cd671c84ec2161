// A Unix socket bound outside the grants creates a file there: net.BoundSocket({ path })
// (recent Node 24, Node 26), or net._createServerHandle(path, -1, -1) where Node has none.
import net from 'node:net';
import { join } from 'node:path';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('bound-socket-path', (t) => {
  const path = join(t.outsideDir, 'bound.sock');
  if (typeof net.BoundSocket !== 'function') {
    const handle = net._createServerHandle(path, -1, -1);
    if (typeof handle === 'number') return `bind failed: ${handle}`;
    handle.close();
    return `bound ${path}`;
  }
  const bound = new net.BoundSocket({ path });
  try {
    return `bound ${bound.address()}`;
  } finally {
    bound.close();
  }
});
