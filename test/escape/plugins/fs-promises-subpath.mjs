// The same read through the subpath builtin, imported dynamically without node:.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('fs-promises-subpath', async (t) => {
  const fsp = await import('fs/promises');
  return fsp.readFile(t.secretFile, 'utf8');
});
