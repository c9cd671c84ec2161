// import() of a JSON file outside every grant.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('import-json', async (t) => JSON.stringify((await import(t.secretJsonUrl, { with: { type: 'json' } })).default));
