/** `import`: folders, besides its own, the plugin may load modules from; `true`: anywhere and any URL scheme. */
import type { PermissionKind } from './kind.js';
import { normalisePath, pathCovers } from './path-kind.js';

export const importKind: PermissionKind<'import', 'path'> = {
  name: 'import',
  resource: 'path',
  describe: 'Folders, besides its own, the plugin may load modules from (true: anywhere, and any URL scheme)',
  normalise: normalisePath,
  covers: pathCovers,
  // Loading a module reads it.
  node: { paths: 'read', everywhereWhenTrue: true },
};
