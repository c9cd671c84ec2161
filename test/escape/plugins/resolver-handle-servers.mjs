// The resolver's servers through its native handle, around dns.getServers (sys).
import dns from 'node:dns';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('resolver-handle-servers', () => new dns.Resolver()._handle.getServers());
