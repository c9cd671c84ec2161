// A fresh vm context reaching back for the outer process object.
import vm from 'node:vm';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('vm-context', (t) => {
  const outer = vm.runInNewContext('this.constructor.constructor("return process")()', {});
  return outer.getBuiltinModule('fs').readFileSync(t.secretFile, 'utf8');
});
