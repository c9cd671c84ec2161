/** `net`: hosts the plugin may connect to, listen on or look up. */
import type { PermissionKind } from './kind.js';
import { granted } from './kind.js';
import { parseNetAddress } from './net-address.js';

export const net: PermissionKind<'net', 'host'> = {
  name: 'net',
  resource: 'host',
  describe: 'Hosts ("host" or "host:port") the plugin may connect to, listen on or look up (true: all)',
  normalise(entry) {
    const [host, port] = parseNetAddress(entry);
    if (port < 0) return host;
    return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
  },
  covers(inner, outer) {
    if (inner === outer) return true;
    const [ih, ip] = parseNetAddress(inner);
    const [oh, op] = parseNetAddress(outer);
    return ih === oh && (op === -1 || ip === op);
  },
  // Node's model has network rules from Node 25 on (all or nothing): on with any net
  // grant, the gates narrow it to the granted hosts; before 25 the gates alone check it.
  node: { flags: (grant, node) => (granted(grant) && node.major >= 25 ? ['--allow-net'] : []) },
};
