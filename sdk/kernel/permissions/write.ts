/** `write`: files and folders the plugin may create, change and delete (its data folder always). */
import type { PermissionKind } from './kind.js';
import { granted } from './kind.js';
import { normalisePath, pathCovers } from './path-kind.js';

export const write: PermissionKind<'write', 'path'> = {
  name: 'write',
  resource: 'path',
  describe: 'Files and folders the plugin may create, change and delete (true: all)',
  normalise: normalisePath,
  covers: pathCovers,
  node: {
    paths: 'write',
    everywhereWhenTrue: true,
    flags: (grant) => (granted(grant) ? ['--allow-wasi'] : []),
  },
};
