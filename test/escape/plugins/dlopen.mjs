// Load native code.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('dlopen', (t) => {
  try {
    process.dlopen({ exports: {} }, t.nativeFile);
    return 'loaded';
  } catch (error) {
    if (error.code === 'PADDOCK_ERR_PERMISSION_DENIED' || error.code === 'ERR_ACCESS_DENIED') throw error;
    // Reached the real loader (the file is not a valid library, which is fine here).
    return `reached dlopen: ${error.code ?? error.message.slice(0, 40)}`;
  }
});
