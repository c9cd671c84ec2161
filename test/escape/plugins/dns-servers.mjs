// dns.Resolver#setServers to an address of the plugin's choice, then a query for an
// IP-literal name: the query (a datagram) goes to that address.
import dns from 'node:dns';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('dns-servers', (t) => new Promise((resolve) => {
  const resolver = new dns.Resolver({ timeout: 200, tries: 1 });
  resolver.setServers([`127.0.0.1:${t.udpPort}`]);
  resolver.resolve4('10.99.88.77', () => resolve('queried'));
}));
