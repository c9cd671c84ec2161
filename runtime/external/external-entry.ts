/**
 * An entry with `exec` (Stash / Digital Rebar style): its fields as the runtime uses
 * them, and its "resolution" — finding the command — in place of a module url's.
 */
import { basename, extname, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { LogSeverity, PluginMeta } from '../../sdk/types.js';
import type { TaskInfo } from '../../sdk/kernel/protocol.js';
import type { ExternalTask } from '../config/entry-models.js';
import { slugify, type ResolvedPlugin } from '../resolve/resolve-url.js';
import type { PluginEntryResolved } from '../supervisor/plugin-controller.js';
import { findCommand, substitutePluginDir } from './exec-command.js';

export interface ExternalEntry {
  exec: string[];
  interface: 'raw' | 'rpc';
  /** The folder `{pluginDir}` stands for, and the processes' working directory. */
  pluginDir: string;
  errLog: LogSeverity;
  env: Record<string, string>;
  meta: Partial<PluginMeta> | undefined;
  tasks: ExternalTask[];
}

/** The entry's external fields, or undefined for a module plugin. */
export function externalEntry(entry: Pick<PluginEntryResolved, 'baseDir' | 'exec'>): ExternalEntry | undefined {
  const x = entry.exec;
  if (!x) return undefined;
  return {
    exec: x.exec,
    interface: x.interface,
    pluginDir: resolve(entry.baseDir, x.dir),
    errLog: x.errLog,
    env: x.env,
    meta: x.meta,
    // A raw plugin is one program: without declared tasks, running it is its one task.
    tasks: x.tasks ?? (x.interface === 'raw' ? [{ name: 'run' }] : []),
  };
}

/** How an external entry shows in PluginInfo.url and logs. */
export function externalUrl(exec: readonly string[]): string {
  return `exec:${exec.join(' ')}`;
}

/** `["python3", "{pluginDir}/weather.py"]` → "weather"; `["./hello.sh"]` → "hello". */
export function defaultExternalId(exec: readonly string[]): string {
  const script = exec.slice(1).find((arg) => !arg.startsWith('-') && extname(arg) !== '');
  const name = basename(script ?? exec[0]!);
  return slugify(name.slice(0, name.length - extname(name).length) || name);
}

/** Find the command: the resolved "module" of an external plugin is its executable. */
export async function resolveExternal(id: string, external: ExternalEntry): Promise<ResolvedPlugin> {
  const [command] = substitutePluginDir(external.exec, external.pluginDir);
  const path = await findCommand(id, command!, external.pluginDir);
  return { url: externalUrl(external.exec), moduleUrl: pathToFileURL(path).href, codeDir: external.pluginDir, defaultId: defaultExternalId(external.exec) };
}

/** The arguments after the command: exec's, then a task's execArgs, with `{pluginDir}` replaced. */
export function processArgs(external: ExternalEntry, execArgs: readonly string[] = []): string[] {
  return substitutePluginDir([...external.exec.slice(1), ...execArgs], external.pluginDir);
}

export function externalTaskInfos(tasks: readonly ExternalTask[]): TaskInfo[] {
  return tasks.map((task) => {
    const info: TaskInfo = { name: task.name };
    if (task.description !== undefined) info.description = task.description;
    if (task.params !== undefined) info.params = task.params;
    if (task.timeoutMs !== undefined) info.timeoutMs = task.timeoutMs;
    return info;
  });
}
