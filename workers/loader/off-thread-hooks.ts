/**
 * Entry for `module.register` (Node 20, where hooks run on a loader thread of their
 * own): receives the loader config through `initialize` and delegates to hooks.ts.
 */
import type { MessagePort } from 'node:worker_threads';
import { listenForPackageImports } from './package-imports.js';
import { createHooks, type LoadContext, type LoaderConfig, type LoadResult, type NextLoad, type NextResolve, type ResolveContext, type ResolveResult } from './hooks.js';

let hooks: ReturnType<typeof createHooks> | undefined;

export function initialize(config: LoaderConfig & { packageImports?: MessagePort }): void {
  hooks = createHooks(config);
  if (config.packageImports) listenForPackageImports(config.packageImports);
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  if (!hooks) throw new Error('paddock loader used before initialize()');
  return hooks.resolve(specifier, context, next);
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<LoadResult> {
  if (!hooks) throw new Error('paddock loader used before initialize()');
  return hooks.load(url, context, next);
}
