// A child process started with a run grant sees only the plugin's own environment.
import { execFileSync } from 'node:child_process';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('child-env', (t) => execFileSync(t.nodePath, ['-e', `process.stdout.write(String(process.env.${t.envName}))`], { encoding: 'utf8' }));
