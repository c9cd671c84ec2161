/**
 * Features that land on their own and that some scenarios measure. Each is detected
 * through the public API it is specified with, so a build without it reports
 * "n/a: feature not present" and a build with it is measured, with no edit here.
 */
import { PluginRuntime, type RuntimeOptions } from '../../runtime/index.js';

/** npm:/jsr: loading with a cache: the runtime accepts a `packages` option (registry, cacheDir, lockfile, frozen). */
export async function hasPackageLoading(): Promise<boolean> {
  let probe: PluginRuntime;
  try {
    // Constructing a runtime starts nothing (no workers, no network).
    probe = new PluginRuntime({ logLevel: 'silent', packages: { frozen: false } } as RuntimeOptions);
  } catch (error) {
    if ((error as { code?: string }).code === 'PADDOCK_ERR_OPTIONS_INVALID') return false;
    throw error;
  }
  await probe.close();
  return true;
}

/** The piscina task pool per plugin: `runtime.runTask(pluginId, task, params)`. */
export function hasTaskPool(): boolean {
  return typeof (PluginRuntime.prototype as unknown as { runTask?: unknown }).runTask === 'function';
}
