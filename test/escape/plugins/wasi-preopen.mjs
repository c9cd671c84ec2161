// WASI gives a WebAssembly module the host folders it preopens.
import { WASI } from 'node:wasi';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('wasi-preopen', (t) => {
  const wasi = new WASI({ version: 'preview1', preopens: { '/secret': t.secretDir } });
  return typeof wasi.start === 'function' ? 'preopened the secret folder' : 'no';
});
