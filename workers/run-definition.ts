/**
 * The body an action (plugin-control.ts) and a task (task-worker.ts) share: params checked
 * by the definition's own zod schema, the function run, its result checked to cross the
 * thread, all of it answered as a Result. Only what differs is passed in: the name, the
 * error for bad params, the call itself.
 */
import type { PaddockError } from '../sdk/errors.js';
import { assertCloneable } from '../sdk/kernel/cloneable.js';
import { boundedCopy } from '../sdk/kernel/bounded-copy.js';
import type { Result } from '../sdk/kernel/protocol.js';
import { fail, ok } from '../sdk/kernel/results.js';
import { formatIssueLine, type IssueLike } from '../sdk/kernel/zod-issues.js';

type SafeParse = (value: unknown) => { success: boolean; data?: unknown; error?: unknown };

/** zod issues (of any zod version the plugin brought) in one line, or the error as text. */
export function formatZodIssues(error: unknown): string {
  const issues = (error as { issues?: IssueLike[] } | undefined)?.issues;
  return Array.isArray(issues) ? formatIssueLine(issues) : String(error);
}

export interface Definition {
  plugin: string;
  /** `action "x"` or `task "x"`: names the call in errors. */
  what: string;
  /** The definition's params schema (a zod schema, or anything else: then params pass as given). */
  schema?: unknown;
  params?: unknown;
  /** The error for params the schema refuses (needed with a schema). */
  invalidParams?(problems: string): PaddockError;
  run(input: unknown): unknown;
  /** What a throw of the plugin's code becomes. */
  threw(error: unknown): PaddockError;
  /** Bytes the result may take (caps.maxCallBytes): it is copied out within them (sdk/kernel/bounded-copy.ts). */
  maxBytes: number;
}

export async function runDefinition(definition: Definition): Promise<Result<unknown>> {
  let input = definition.params;
  const safeParse = (definition.schema as { safeParse?: SafeParse } | undefined)?.safeParse;
  if (typeof safeParse === 'function') {
    const parsed = safeParse.call(definition.schema, definition.params);
    if (!parsed.success) {
      const problems = formatZodIssues(parsed.error);
      return fail(definition.invalidParams?.(problems) ?? new TypeError(`invalid params of ${definition.what}: ${problems}`));
    }
    input = parsed.data;
  }
  let value: unknown;
  try {
    value = await definition.run(input);
  } catch (error) {
    return fail(definition.threw(error));
  }
  try {
    assertCloneable(value, `result of ${definition.what}`, definition.plugin);
    // The copy is what crosses: measured as it is made, each string each time it occurs.
    return ok(boundedCopy(value, { plugin: definition.plugin, maxBytes: definition.maxBytes, what: () => `the result of ${definition.what}` }).copy);
  } catch (error) {
    return fail(error);
  }
}
