// A symbolic link inside a granted folder that points outside it.
import { readFileSync } from 'node:fs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('symlink-escape', (t) => readFileSync(`${t.linkDir}/link-to-secret`, 'utf8'));
