// V8 flags are process-wide; --allow-natives-syntax opens raw runtime functions.
import v8 from 'node:v8';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('v8-flags', () => {
  v8.setFlagsFromString('--allow-natives-syntax');
  return `natives: ${new Function('return %IsSmi(1)')()}`;
});
