/**
 * The shapes of Node's module hooks as the loader uses them, in a module of their own so
 * hooks.ts and package-imports.ts share them without importing each other.
 */
export interface ResolveContext { parentURL?: string | undefined; conditions?: readonly string[]; importAttributes?: Record<string, string> }
export interface ResolveResult { url: string; format?: string | null | undefined; shortCircuit?: boolean }
export interface LoadContext { format?: string | null | undefined; conditions?: readonly string[]; importAttributes?: Record<string, string> }
export interface LoadResult { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }

export type MaybePromise<T> = T | Promise<T>;
export type NextResolve = (specifier: string, context?: ResolveContext) => MaybePromise<ResolveResult>;
export type NextLoad = (url: string, context?: LoadContext) => MaybePromise<LoadResult>;
