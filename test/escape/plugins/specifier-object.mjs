// import() with a String object and with a URL object as the specifier.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('specifier-object', async (t) => {
  // eslint-disable-next-line no-new-wrappers
  const viaString = await import(new String(t.secretJsonUrl), { with: { type: 'json' } });
  const viaUrl = await import(new URL(t.secretJsonUrl), { with: { type: 'json' } });
  return JSON.stringify([viaString.default, viaUrl.default]);
});
