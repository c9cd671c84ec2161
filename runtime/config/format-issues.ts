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

function describeIssue(issue: z.core.$ZodIssue): string {
  if (issue.code === 'unrecognized_keys') {
    return `unknown key${issue.keys.length > 1 ? 's' : ''} ${issue.keys.map((k) => JSON.stringify(k)).join(', ')}`;
  }
  return issue.message;
}

export function formatIssues(error: z.ZodError, prefix: readonly PropertyKey[] = []): string {
  return error.issues
    .map((issue) => `  - ${formatPath([...prefix, ...issue.path])}: ${describeIssue(issue)}`)
    .join('\n');
}

/** One line, for argument errors: `[0]: Invalid option…; [1]: …`. */
export function formatIssuesInline(error: z.ZodError): string {
  return error.issues.map((issue) => `${formatPath(issue.path)}: ${describeIssue(issue)}`).join('; ');
}
