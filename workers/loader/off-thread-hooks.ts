/**
 * Entry for `module.register` (Node 20, where hooks run on a loader thread of their
 * own): receives the loader config through `initialize`, the plugin's sandbox and its
 * npm:/jsr: imports later over two ports, and delegates to hooks.ts. Denials found here are sent back to the
 * worker, which reports them to the host.
 */
import type { MessagePort } from 'node:worker_threads';
import { Policy } from '../../sdk/kernel/policy.js';
import { createHooks, type LoaderConfig } from './hooks.js';
import type { LoadContext, LoadResult, NextLoad, NextResolve, ResolveContext, ResolveResult } from './hook-types.js';
import type { LoaderMessage } from './install.js';
import { activateModulePolicy } from './module-policy.js';
import { listenForPackageImports } from './package-imports.js';

let hooks: ReturnType<typeof createHooks> | undefined;

export function initialize(data: LoaderConfig & { port?: MessagePort; packageImports?: MessagePort }): void {
  hooks = createHooks(data);
  if (data.packageImports) listenForPackageImports(data.packageImports);
  const port = data.port;
  if (!port) return;
  port.on('message', (message: LoaderMessage) => {
    if (message.type !== 'sandbox') return;
    activateModulePolicy(new Policy(message.sandbox, (report) => port.postMessage({ type: 'denied', report } satisfies LoaderMessage)));
    port.postMessage({ type: 'active' } satisfies LoaderMessage);
  });
  port.unref();
}

export async function resolve(specifier: string, context: ResolveContext, next: NextResolve): Promise<ResolveResult> {
  if (!hooks) throw new Error('paddock loader used before initialize()');
  return hooks.resolve(specifier, context, next);
}

export async function load(url: string, context: LoadContext, next: NextLoad): Promise<LoadResult> {
  if (!hooks) throw new Error('paddock loader used before initialize()');
  return hooks.load(url, context, next);
}
