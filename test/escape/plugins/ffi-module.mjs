// node:ffi (Node 26): any function of any native library, called from JavaScript.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('ffi-module', async () => {
  const ffi = await import('node:ffi');
  const libc = ffi.dlopen(null, { getpid: { return: 'int32', args: [] } });
  try {
    return `native getpid: ${libc.functions.getpid() === process.pid}`;
  } finally {
    libc.lib.close();
  }
});
