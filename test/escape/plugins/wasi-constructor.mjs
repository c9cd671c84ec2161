// The real WASI class through `prototype.constructor`, preopening a host folder.
import { WASI } from 'node:wasi';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('wasi-constructor', (t) => {
  const RealWASI = WASI.prototype.constructor;
  const wasi = new RealWASI({ version: 'preview1', preopens: { '/secret': t.secretDir } });
  return typeof wasi.start === 'function' ? 'preopened the secret folder' : 'no';
});
