// fetch (undici, inside Node).
import { vector } from './_vector.mjs';
export const PupPlugin = vector('fetch', async (t) => (await fetch(`http://127.0.0.1:${t.httpPort}/v/fetch`)).text());
