/**
 * Permissions for people: one line per permission, as `paddock check` and the logs
 * print them.
 *
 *   read    /srv/shared, plus its code folder /opt/plugins/x and data folder /var/lib/app/.paddock/data/x
 *   write   nothing, besides its data folder
 *   net     api.example.com:443
 *   env     HOME, AWS_*
 *   run     nothing
 *   ffi     nothing
 *   sys     everything
 *   import  nothing, besides its code folder
 */
import { PERMISSION_NAMES, type Grant, type PermissionGrant, type PermissionName } from '../../sdk/kernel/sandbox-data.js';

export interface FormatContext {
  codeDir?: string;
  dataDir?: string;
}

function always(name: PermissionName, context: FormatContext): string | undefined {
  const code = context.codeDir ? `its code folder ${context.codeDir}` : 'its code folder';
  const data = context.dataDir ? `its data folder ${context.dataDir}` : 'its data folder';
  if (name === 'read') return `${code} and ${data}`;
  if (name === 'write') return data;
  if (name === 'import') return code;
  return undefined;
}

function describeGrant(grant: Grant): string {
  if (grant === true) return 'everything';
  return grant.length ? grant.join(', ') : 'nothing';
}

/** One entry per permission: [name, description]. */
export function describePermissions(permissions: PermissionGrant, context: FormatContext = {}): Array<[PermissionName, string]> {
  return PERMISSION_NAMES.map((name) => {
    const grant = permissions[name];
    const extra = always(name, context);
    let text = describeGrant(grant);
    if (extra && grant !== true) text = grant.length ? `${text}, plus ${extra}` : `nothing, besides ${extra}`;
    if (name === 'ffi' && grant === true) text += ' (full access: native code, Node internals, the inspector)';
    return [name, text];
  });
}

/** The permissions as aligned lines, e.g. for `paddock check`. */
export function formatPermissions(permissions: PermissionGrant, context: FormatContext = {}): string {
  return describePermissions(permissions, context).map(([name, text]) => `${name.padEnd(7)} ${text}`).join('\n');
}
