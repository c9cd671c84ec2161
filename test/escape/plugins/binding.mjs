// Node's internal bindings: raw file system access without the fs module.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('binding', () => {
  const fs = process.binding('fs');
  return typeof fs.open === 'function' ? 'raw fs binding' : 'no binding';
});
