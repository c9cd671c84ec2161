// Start a program.
import { execFileSync } from 'node:child_process';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('spawn', (t) => execFileSync(t.nodePath, ['-e', 'process.stdout.write("spawned " + (6 * 7))'], { encoding: 'utf8' }));
