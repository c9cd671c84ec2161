// TLS options that name an OpenSSL engine: OpenSSL loads it as a shared library, its
// constructor runs in this process (a missing engine proves OpenSSL tried to load it).
import tls from 'node:tls';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('tls-engine', (t) => {
  try {
    tls.createSecureContext({ privateKeyEngine: t.nativeFile, privateKeyIdentifier: 'key' });
    return 'engine loaded';
  } catch (error) {
    if (error.code === 'PADDOCK_ERR_PERMISSION_DENIED' || error.code === 'ERR_ACCESS_DENIED') throw error;
    return `OpenSSL tried the engine: ${error.message}`;
  }
});
