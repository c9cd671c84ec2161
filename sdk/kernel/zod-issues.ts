/**
 * zod issues as lines a person can act on: `plugins[2].url: expected a string`. Shared by the
 * host (config, API arguments, wire checks) and the plugin side (action and task params, which
 * the plugin's own zod checks: typed by shape only, so any zod version's issues read the same).
 */

export interface IssueLike {
  readonly path: readonly PropertyKey[];
  readonly message: string;
  readonly code?: string;
  readonly keys?: readonly string[];
}

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** The message of one issue; an unknown key is named (zod's own message lists them less plainly). */
export function describeIssue(issue: IssueLike): string {
  if (issue.code === 'unrecognized_keys' && Array.isArray(issue.keys)) {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return issue.message;
}

/** One line for a list of issues: `[0]: Invalid option…; b: …`. */
export function formatIssueLine(issues: readonly IssueLike[]): string {
  return issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`).join('; ');
}
