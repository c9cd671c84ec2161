// A CommonJS require made with module.createRequire.
import { createRequire } from 'node:module';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('create-require', (t) => createRequire(import.meta.url)('child_process')
  .execFileSync(t.nodePath, ['-e', 'process.stdout.write("required")'], { encoding: 'utf8' }));
