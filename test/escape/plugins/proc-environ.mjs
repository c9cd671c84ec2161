// /proc/self/environ is the real environment, whatever process.env says.
import { readFileSync } from 'node:fs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('proc-environ', () => readFileSync('/proc/self/environ', 'utf8').split('\0').join('\n'));
