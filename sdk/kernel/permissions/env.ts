/** `env`: environment variables the plugin sees ("NAME", or "PREFIX_*"). */
import type { PermissionKind } from './kind.js';

export const env: PermissionKind<'env', 'variable'> = {
  name: 'env',
  resource: 'variable',
  describe: 'Environment variables the plugin sees ("NAME" or "PREFIX_*"; true: all)',
  normalise: (entry) => entry,
  covers(inner, outer) {
    if (inner === outer) return true;
    return outer.endsWith('*') && inner.startsWith(outer.slice(0, -1));
  },
  // A process-isolated plugin starts with only the granted variables (no flag for that).
  node: {},
};
