// Read a file outside every grant.
import { readFileSync } from 'node:fs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('fs-read', (t) => readFileSync(t.secretFile, 'utf8'));
