/**
 * The module hooks' configuration of every thread that runs plugin code: plugin workers
 * (workers/bootstrap.ts), process-isolated plugins (workers/process-child.ts) and task
 * pool threads (workers/task-worker.ts). One place, so plugin code resolves
 * `paddock-runtime/sdk` and the Pup shims the same way wherever it runs.
 */
import type { LoaderConfig } from './hooks.js';
import { providedAliases } from '../../sdk/kernel/provided-specifiers.js';

export function pluginLoaderConfig(): LoaderConfig {
  return { aliases: providedAliases(new URL('../', import.meta.url)) };
}
