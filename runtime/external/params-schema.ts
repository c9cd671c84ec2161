/**
 * An external plugin describes params with JSON Schema (in `initialize`, or in an
 * entry's `tasks[].params`); the host checks params against it before they reach the
 * process, with zod (`z.fromJSONSchema`), so a mistake is reported the same way as
 * for a worker plugin's zod schema.
 */
import { z } from 'zod';
import { formatIssuesInline } from '../config/format-issues.js';

export type ParamsCheck = (params: unknown) => { ok: true; value: unknown } | { ok: false; problems: string };

/** A check for `schema`; undefined when there is none or zod cannot read it (`onUnreadable` says why). */
export function compileParamsSchema(schema: unknown, onUnreadable: (reason: string) => void): ParamsCheck | undefined {
  if (schema === undefined) return undefined;
  let zod: z.ZodType;
  try {
    zod = z.fromJSONSchema(schema as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    onUnreadable((error as Error).message);
    return undefined;
  }
  return (params) => {
    const parsed = zod.safeParse(params);
    return parsed.success ? { ok: true, value: params } : { ok: false, problems: formatIssuesInline(parsed.error) };
  };
}
