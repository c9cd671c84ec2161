/**
 * Starting the executable of an external plugin: `{pluginDir}` substitution, finding
 * the command (the plugin's folder first, then PATH), a small environment, and a
 * process group of its own so that stopping the plugin also stops what it started.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import { delimiter, isAbsolute, join, resolve } from 'node:path';
import { paddockError } from '../../sdk/errors.js';
import { killWithHost } from '../supervisor/host-watchdog.js';

export const PLUGIN_DIR_TOKEN = '{pluginDir}';

/** Variables passed through from the host; everything else is the entry's `env` and PADDOCK_*. */
const PASSED_ENV = ['PATH', 'HOME', 'LANG', 'LC_ALL', 'LC_CTYPE', 'TZ', 'TMPDIR', 'TEMP', 'TMP', 'SYSTEMROOT'] as const;

export function substitutePluginDir(args: readonly string[], pluginDir: string): string[] {
  return args.map((arg) => arg.split(PLUGIN_DIR_TOKEN).join(pluginDir));
}

async function isExecutableFile(path: string): Promise<boolean> {
  // Not there (or not readable): not a candidate; the caller says where it looked.
  const info = await stat(path).catch(() => undefined);
  if (!info?.isFile()) return false;
  return access(path, constants.X_OK).then(() => true, () => false);
}

/**
 * The absolute path of `command`: a path (with a slash) is taken relative to the
 * plugin's folder; a bare name is looked up in the plugin's folder, then on PATH.
 */
export async function findCommand(plugin: string, command: string, pluginDir: string): Promise<string> {
  if (command.includes('/') || command.includes('\\') || isAbsolute(command)) {
    const path = resolve(pluginDir, command);
    if (await isExecutableFile(path)) return path;
    throw paddockError('PADDOCK_ERR_EXEC_NOT_FOUND', { plugin, command, searched: `${path} (it must be an executable file)` });
  }
  const dirs = [pluginDir, ...(process.env.PATH ?? '').split(delimiter).filter(Boolean)];
  for (const dir of dirs) {
    const path = join(dir, command);
    if (await isExecutableFile(path)) return path;
  }
  throw paddockError('PADDOCK_ERR_EXEC_NOT_FOUND', { plugin, command, searched: `the plugin's folder ${pluginDir} and PATH` });
}

export interface ProcessEnvOptions {
  plugin: string;
  dataDir: string;
  pluginDir: string;
  env: Readonly<Record<string, string>>;
}

/** The environment of a plugin's process: a few host variables, PADDOCK_*, and the entry's `env`. */
export function processEnv(options: ProcessEnvOptions): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const name of PASSED_ENV) if (process.env[name] !== undefined) env[name] = process.env[name];
  env.PADDOCK_PLUGIN_ID = options.plugin;
  env.PADDOCK_DATA_DIR = options.dataDir;
  env.PADDOCK_PLUGIN_DIR = options.pluginDir;
  return { ...env, ...options.env };
}

const live = new Set<ChildProcess>();
let exitHookInstalled = false;

/** The host is exiting: take the plugins' processes with it (they run in groups of their own). */
function killLiveOnExit(): void {
  for (const child of live) killGroup(child);
}

export function spawnPluginProcess(command: string, args: readonly string[], options: { cwd: string; env: NodeJS.ProcessEnv }): ChildProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['pipe', 'pipe', 'pipe'],
    // A group of its own: stop reaches the processes the plugin started, too.
    detached: process.platform !== 'win32',
    windowsHide: true,
  });
  live.add(child);
  // A host killed by SIGKILL runs no exit handler: the watchdog takes the group down then.
  killWithHost(child, { group: process.platform !== 'win32' });
  child.once('exit', () => live.delete(child));
  child.once('error', () => live.delete(child));
  if (!exitHookInstalled) {
    exitHookInstalled = true;
    process.on('exit', killLiveOnExit);
  }
  return child;
}

/** SIGKILL the process and its group (whatever is left of it). */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  if (process.platform !== 'win32') {
    try {
      process.kill(-child.pid, 'SIGKILL');
      return;
    } catch (error) {
      // ESRCH: the group is already gone; anything else: fall back to the process alone.
      if ((error as NodeJS.ErrnoException).code === 'ESRCH') return;
    }
  }
  child.kill('SIGKILL');
}

/** "exited with code 3", "was killed by SIGKILL", "could not be started: spawn … EACCES". */
export function describeProcessEnd(code: number | null, signal: NodeJS.Signals | null): string {
  if (signal) return `was killed by ${signal}`;
  return `exited with code ${code ?? 'unknown'}`;
}
