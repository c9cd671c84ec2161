/** `read`: files and folders the plugin may read (its own code and data folders always). */
import type { PermissionKind } from './kind.js';
import { granted } from './kind.js';
import { normalisePath, pathCovers } from './path-kind.js';

export const read: PermissionKind<'read', 'path'> = {
  name: 'read',
  resource: 'path',
  describe: 'Files and folders the plugin may read (true: all)',
  normalise: normalisePath,
  covers: pathCovers,
  node: {
    paths: 'read',
    everywhereWhenTrue: true,
    // WASI preopens are checked by the gates; Node's model does not look inside WASI.
    flags: (grant) => (granted(grant) ? ['--allow-wasi'] : []),
  },
};
