// dns.lookupService: a reverse lookup of an address asks the system resolver, which
// sends a query naming the address to a DNS server (a way out for data in addresses).
import dns from 'node:dns';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('reverse-lookup', async () => (await dns.promises.lookupService('127.0.0.1', 22)).hostname);
