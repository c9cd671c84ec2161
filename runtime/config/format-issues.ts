/** zod issues as lines a person can act on: `plugins[2].url: expected a string, got a number`. */
import type { z } from 'zod';

export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/**
 * What a union branch says when the key that selects it is missing (an entry's `url` or
 * `exec`, runtime/config/schema.ts): that branch is not the one the value chose, so the
 * report shows the other branch's issues instead of zod's bare "Invalid input".
 */
export const BRANCH_KEY_MISSING = 'expected "url" (a plugin module: a path, file:, npm: or jsr:) or "exec" (an external executable)';

interface Flat { path: PropertyKey[]; message: string }

function flatten(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): Flat[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const chosen = issue.errors.filter((branch) => !branch.some((inner) => inner.message === BRANCH_KEY_MISSING));
    if (chosen.length === 1) return chosen[0]!.flatMap((inner) => flatten(inner, path));
  }
  return [{ path, message: describeIssue(issue) }];
}

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return issue.message;
}

export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  return error.issues.flatMap((issue) => flatten(issue, prefix))
    .map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`)
    .join('\n');
}

/** One line, for argument errors: `[0]: Invalid option…; [1]: …`. */
export function formatIssuesInline(error: z.ZodError): string {
  return error.issues.flatMap((issue) => flatten(issue, [])).map((issue) => `${formatPath(issue.path)}: ${issue.message}`).join('; ');
}
