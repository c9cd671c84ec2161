/**
 * Watching files and folders for changes, for `watch` of a process and `--watch` of
 * plugins. A file is watched through its folder, so it is still seen when an editor
 * replaces it (write to a temp file, rename over). Editors also write in several
 * steps: changes are reported once they stop for `settleMs`.
 */
import { watch, type FSWatcher } from 'node:fs';
import { stat } from 'node:fs/promises';
import { basename, dirname } from 'node:path';

export interface WatchHandlers {
  changed(path: string): void;
  failed(path: string, error: Error): void;
}

/** Watch each path; returns a function that stops watching. */
export async function watchPaths(paths: string[], handlers: WatchHandlers, settleMs = 150): Promise<() => void> {
  const watchers: FSWatcher[] = [];
  const timers = new Map<string, NodeJS.Timeout>();
  const settle = (path: string) => {
    clearTimeout(timers.get(path));
    timers.set(path, setTimeout(() => {
      timers.delete(path);
      handlers.changed(path);
    }, settleMs));
  };
  for (const path of paths) {
    try {
      const isDirectory = (await stat(path)).isDirectory();
      const watcher = isDirectory
        ? watch(path, { recursive: true, persistent: false }, () => settle(path))
        : watch(dirname(path), { persistent: false }, (_event, name) => {
          if (name === null || name.toString() === basename(path)) settle(path);
        });
      watcher.on('error', (error) => handlers.failed(path, error));
      watchers.push(watcher);
    } catch (error) {
      handlers.failed(path, error as Error);
    }
  }
  return () => {
    for (const watcher of watchers) watcher.close();
    for (const timer of timers.values()) clearTimeout(timer);
    timers.clear();
  };
}
