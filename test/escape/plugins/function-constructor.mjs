// The Function constructor evaluates code at global scope: does it find a real require?
import { vector } from './_vector.mjs';
export const PupPlugin = vector('function-constructor', (t) => {
  const steal = new Function('file', 'return process.getBuiltinModule("fs").readFileSync(file, "utf8")');
  return steal(t.secretFile);
});
