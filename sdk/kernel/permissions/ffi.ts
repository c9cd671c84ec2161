/** `ffi`: native libraries the plugin may load; `true` is full access (Node internals, the inspector). */
import type { PermissionKind } from './kind.js';
import { granted } from './kind.js';
import { normalisePath, pathCovers } from './path-kind.js';

export const ffi: PermissionKind<'ffi', 'path'> = {
  name: 'ffi',
  resource: 'path',
  describe: 'Native libraries the plugin may load (true: also Node internals, the inspector, loader hooks: full access)',
  normalise: normalisePath,
  covers: pathCovers,
  node: {
    // The libraries must be readable to be loaded.
    paths: 'read',
    flags: (grant, node) => [
      ...(granted(grant) ? ['--allow-addons'] : []),
      ...(grant === true && node.major >= 24 ? ['--allow-inspector'] : []),
      // node:ffi calls any native function: like the inspector, only with `ffi: true`.
      ...(grant === true && node.major >= 26 ? ['--allow-ffi'] : []),
    ],
  },
};
