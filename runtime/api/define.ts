/**
 * How a host declares the API its plugins may call: named methods, each with a zod
 * tuple for its arguments and a scope. A plugin's token carries its scopes; a call to
 * a method whose scope it lacks is refused before the handler runs.
 */
import type { z } from 'zod';
import type { Logger } from 'pino';

export interface MethodContext {
  /** The calling plugin. */
  plugin: { id: string; name: string | undefined };
  /** The calling plugin's logger (`logger.child({ plugin })`). */
  logger: Logger;
  /** Scopes the caller's token carries. */
  scopes: ReadonlySet<string>;
}

export interface MethodDefinition<P extends z.ZodTuple = z.ZodTuple, R = unknown> {
  /** Scope a plugin needs to call this method. */
  scope: string;
  /** Arguments, positionally. */
  params: P;
  description?: string;
  handler: (context: MethodContext, ...args: z.output<P>) => R | Promise<R>;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyMethod = MethodDefinition<any, any>;

export type HostApiDefinition = Record<string, AnyMethod>;

/** Define a host method with its argument types inferred from the zod tuple. */
export function defineMethod<P extends z.ZodTuple, R>(definition: MethodDefinition<P, R>): MethodDefinition<P, R> {
  return definition;
}

/** The shape a plugin sees: `ApiOf<typeof api>` for `PaddockClient<…>`. */
export type ApiOf<D extends HostApiDefinition> = {
  [K in keyof D]: (...args: z.input<D[K]['params']>) => Promise<Awaited<ReturnType<D[K]['handler']>>>;
};

export interface EventDefinition {
  /** Scope a plugin needs to subscribe to this event (none: any plugin may). */
  scope?: string;
  description?: string;
}
