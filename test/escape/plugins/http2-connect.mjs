// http2.connect (its own connection handling and socket).
import http2 from 'node:http2';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('http2-connect', (t) => new Promise((resolve, reject) => {
  const client = http2.connect(`http://127.0.0.1:${t.httpPort}`);
  client.once('connect', () => {
    client.destroy();
    resolve('connected');
  });
  client.once('error', (error) => (error.code === 'PADDOCK_ERR_PERMISSION_DENIED' ? reject(error) : resolve(`connected, then ${error.code}`)));
}));
