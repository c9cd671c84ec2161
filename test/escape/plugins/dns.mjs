// A DNS lookup sends the name out (a classic exfiltration channel).
import dns from 'node:dns/promises';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('dns', async () => (await dns.lookup('localhost')).address);
