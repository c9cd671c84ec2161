// The native FileHandle class, reached through a FileHandle's symbol-keyed field, on a
// descriptor the host opened; read through the JavaScript FileHandle class around it.
import { open } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('filehandle-symbol', async (t) => {
  const own = await open(fileURLToPath(import.meta.url));
  const key = Object.getOwnPropertySymbols(own).find((symbol) => typeof own[symbol]?.releaseFD === 'function');
  const NativeFileHandle = Object.getPrototypeOf(own[key]).constructor;
  const JsFileHandle = Object.getPrototypeOf(own).constructor;
  await own.close();
  const native = new NativeFileHandle(t.hostFd);
  try {
    return await new JsFileHandle(native).readFile('utf8');
  } catch (error) {
    // In a process of its own the host's descriptor number is not the host's file.
    return `read failed: ${error.code}`;
  } finally {
    // Leave the descriptor open: it is the host's.
    native.releaseFD();
  }
});
