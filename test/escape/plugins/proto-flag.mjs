// fs.promises.writeFile with a `flag` inherited from Object.prototype that reads "r"
// the first time and "a" after: the gate must decide on what Node uses.
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('proto-flag', async (t) => {
  let reads = 0;
  Object.defineProperty(Object.prototype, 'flag', { configurable: true, get: () => (reads++ === 0 ? 'r' : 'a') });
  try {
    await writeFile(join(t.outsideDir, 'proto-flag-written'), 'pwned', {});
  } finally {
    delete Object.prototype.flag;
  }
  return 'written';
});
