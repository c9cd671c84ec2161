// process.getBuiltinModule hands out builtins without import or require.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('get-builtin-module', (t) => process.getBuiltinModule('node:fs').readFileSync(t.secretFile, 'utf8'));
