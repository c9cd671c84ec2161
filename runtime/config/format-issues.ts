/** zod issues as lines a person can act on: `plugins[2].url: expected a string, got a number`. */
import type { z } from 'zod';
import { describeIssue, formatIssueLine, formatPath, type IssueLike } from '../../sdk/kernel/zod-issues.js';

export { formatPath };

/**
 * What a union branch says when the key that selects it is missing (an entry's `url` or
 * `exec`, runtime/config/schema.ts): that branch is not the one the value chose, so the
 * report shows the other branch's issues instead of zod's bare "Invalid input".
 */
export const BRANCH_KEY_MISSING = 'expected "url" (a plugin module: a path, file:, npm: or jsr:) or "exec" (an external executable)';

function flatten(issue: z.core.$ZodIssue, prefix: readonly PropertyKey[]): IssueLike[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const chosen = issue.errors.filter((branch) => !branch.some((inner) => inner.message === BRANCH_KEY_MISSING));
    if (chosen.length === 1) return chosen[0]!.flatMap((inner) => flatten(inner, path));
  }
  return [{ path, message: describeIssue(issue as IssueLike) }];
}

export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  return error.issues.flatMap((issue) => flatten(issue, prefix))
    .map((issue) => `  - ${formatPath(issue.path)}: ${issue.message}`)
    .join('\n');
}

/** One line, for argument errors: `[0]: Invalid option…; [1]: …`. */
export function formatIssuesInline(error: z.ZodError): string {
  return formatIssueLine(error.issues.flatMap((issue) => flatten(issue, [])));
}
