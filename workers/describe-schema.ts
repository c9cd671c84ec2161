/** The JSON Schema of a zod schema, as plain data that can cross a thread. */
export function describeSchema(schema: unknown): unknown {
  const zod = schema as { toJSONSchema?: () => unknown } | undefined;
  if (!zod || typeof zod.toJSONSchema !== 'function') return undefined;
  try {
    return JSON.parse(JSON.stringify(zod.toJSONSchema()));
  } catch {
    // A schema zod cannot express as JSON Schema (transforms, …) is still enforced; it just goes undescribed.
    return { description: 'not expressible as JSON Schema' };
  }
}

/** zod issues in one line: `name: Required; size: Too small`. */
export function formatZodIssues(error: unknown): string {
  const issues = (error as { issues?: Array<{ path: PropertyKey[]; message: string }> }).issues;
  if (!Array.isArray(issues)) return String(error);
  return issues.map((i) => `${i.path.length ? i.path.map(String).join('.') : '(params)'}: ${i.message}`).join('; ');
}
