/**
 * `--watch`: reload a `file:` plugin when its source changes. runtime.reload(id) stops
 * the old instance (its cleanup() runs, its tokens are revoked) and starts the new
 * source in a fresh worker with a new token; events queued for the plugin are kept.
 * Reloads of one plugin never overlap: a change during a reload triggers one more.
 */
import { statSync } from 'node:fs';
import { isAbsolute, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { watchPaths } from './file-watch.js';
import type { ProcessHost } from './host.js';

/** The local path of a plugin url, or undefined for npm:/jsr: plugins. */
export function pluginSourcePath(url: string, baseDir: string): string | undefined {
  if (url.startsWith('file://')) return fileURLToPath(url);
  if (/^[a-z][a-z0-9+.-]+:/i.test(url) && !url.startsWith('file:')) return undefined;
  const path = url.replace(/^file:/, '');
  return isAbsolute(path) ? path : resolve(baseDir, path);
}

export async function watchPluginSources(host: ProcessHost): Promise<() => void> {
  const byPath = new Map<string, string>();
  for (const info of host.runtime.list()) {
    const path = pluginSourcePath(info.url, host.baseDir);
    if (path) byPath.set(path, info.id);
  }
  const busy = new Map<string, boolean>();

  const reload = async (id: string): Promise<void> => {
    if (busy.has(id)) {
      busy.set(id, true);
      return;
    }
    busy.set(id, false);
    try {
      host.log('info', 'watch', `source of plugin ${JSON.stringify(id)} changed, reloading`);
      const info = await host.runtime.reload(id);
      host.log('info', 'watch', `reloaded plugin ${JSON.stringify(id)} (${info.meta?.name}@${info.meta?.version}): the old instance was cleaned up and its token revoked`);
    } catch (error) {
      host.log('error', 'watch', `reloading plugin ${JSON.stringify(id)} failed: ${(error as Error).message}`);
    } finally {
      const again = busy.get(id);
      busy.delete(id);
      if (again) void reload(id);
    }
  };

  host.log('info', 'watch', `watching ${byPath.size} plugin source(s) for changes`);
  return watchPaths([...byPath.keys()], {
    changed: (path) => {
      if (existsAsPath(path)) void reload(byPath.get(path)!);
    },
    failed: (path, error) => host.log('warn', 'watch', `cannot watch ${path}: ${error.message}`),
  });
}

function existsAsPath(path: string): boolean {
  try {
    statSync(path);
    return true;
  } catch {
    // Deleted (or mid-replace): wait for the next change instead of loading nothing.
    return false;
  }
}
