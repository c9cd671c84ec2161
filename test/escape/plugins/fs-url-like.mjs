// A path given as a URL-like object (Node accepts any { href, protocol } as a URL).
import { readFileSync } from 'node:fs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('fs-url-like', (t) => readFileSync({ href: t.secretUrl, protocol: 'file:' }, 'utf8'));
