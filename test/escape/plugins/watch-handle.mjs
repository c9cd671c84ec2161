// A file watcher's native handle takes a path of its own: a fresh FSEvent started on a
// file outside the grants answers whether it exists (0 or an error number) and would
// report its changes, past the fs gate's checks on fs.watch().
import { watch } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { vector } from './_vector.mjs';

export const PupPlugin = vector('watch-handle', (t) => {
  const watcher = watch(fileURLToPath(new URL('.', import.meta.url)));
  const FSEvent = watcher._handle.constructor;
  watcher.close();
  const handle = new FSEvent();
  try {
    return handle.start(t.secretFile, false, false, 'utf8');
  } finally {
    handle.close();
  }
});
