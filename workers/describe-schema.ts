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
