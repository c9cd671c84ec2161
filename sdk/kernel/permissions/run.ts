/** `run`: programs the plugin may start (names on the host's PATH, or absolute paths). */
import { resolve } from 'node:path';
import { realPath } from '../paths.js';
import type { PermissionKind } from './kind.js';
import { granted } from './kind.js';

export const run: PermissionKind<'run', 'command'> = {
  name: 'run',
  resource: 'command',
  describe: 'Programs the plugin may start (names on the host PATH or absolute paths; true: all)',
  normalise: (entry) => (entry.startsWith('/') ? realPath(resolve(entry), true) : entry),
  covers: (inner, outer) => inner === outer,
  node: { flags: (grant) => (granted(grant) ? ['--allow-child-process'] : []) },
};
