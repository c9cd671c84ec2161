/**
 * The module hooks' configuration of every thread that runs plugin code: the plugin
 * workers (workers/bootstrap.ts) and the task pool threads (workers/task-worker.ts).
 * One place, so plugin code resolves `paddock/sdk` and the Pup shims the same way
 * wherever it runs.
 */
import type { LoaderConfig } from './hooks.js';

export function pluginLoaderConfig(): LoaderConfig {
  const sdkUrl = new URL('../../sdk/index.js', import.meta.url).href;
  // Pup plugins run unmodified: their jsr:@pup/… imports (any version) resolve to the shims in shims/pup/.
  const pupShim = (name: string) => new URL(`../shims/pup/${name}.js`, import.meta.url).href;
  return {
    aliases: {
      'paddock/sdk': sdkUrl,
      'npm:paddock/sdk': sdkUrl,
      'jsr:@pup/plugin': pupShim('plugin'),
      'jsr:@pup/api-client': pupShim('api-client'),
      'jsr:@pup/api-definitions': pupShim('api-definitions'),
    },
  };
}
