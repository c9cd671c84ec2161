// Write a file outside every grant.
import { writeFileSync } from 'node:fs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('fs-write', (t) => {
  writeFileSync(`${t.outsideDir}/pwned-by-plugin`, 'pwned');
  return 'written';
});
