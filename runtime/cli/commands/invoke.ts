/**
 * `paddock invoke <config> <plugin-id> <action-or-task> [params-json]`: start the one
 * plugin of a config that is asked for (a module in a worker, or an external
 * executable), run one of its actions or tasks, print the result as JSON on stdout
 * and stop it. Progress and the plugin's log lines go to stderr; a failure is one
 * line on stderr and a non-zero exit.
 */
import { ConfigError } from '../../../sdk/errors.js';
import { processHostConfigSchema } from '../../pup/config.js';
import { ProcessHost } from '../../pup/host.js';
import { createHostLogger } from '../../pup/logger.js';
import { oneLine } from '../one-line.js';
import { isModuleEntry, type PluginEntry } from '../../config/schema.js';
import { readConfigFile } from '../../config/load.js';
import { defaultExternalId } from '../../external/index.js';
import { defaultIdFor } from '../../plugin-runtime.js';
import type { TaskProgress } from '../../tasks/task-types.js';
import { parseCommandArgs, parseSeconds } from '../args.js';
import { CliError, type CliIo, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { frozenFlag, frozenFlagUsage, packageFlags, packageFlagsUsage, packageOptionsFromFlags } from '../package-flags.js';
import type { PackageOptions } from '../../packages/options.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

const usage = `Usage: paddock invoke <config> <plugin-id> <action-or-task> [params-json] [--timeout <s>] [--log-level <level>]
                      [--frozen] [--cache-dir <dir>] [--registry <url>] [--jsr-registry <url>]

Start one plugin of a config file (a module in a sandboxed worker, or an external
executable), run one of its actions or tasks with the given params (JSON, default
null), print the result as JSON on stdout, and stop the plugin. A task's progress
goes to stderr, and so do the plugin's log lines (at --log-level, default warn).
Ctrl-C cancels a task.

Options:
  --timeout <s>        cancel (a task) or give up (an action) after <s> seconds
  --log-level <level>  trace, debug, info, warn (default), error, silent
${frozenFlagUsage}
${packageFlagsUsage}

Exit codes: 0 ok; 1 the action or task failed, or the plugin did not start (the
reason is one line on stderr); 2 bad usage or unknown plugin, action or task;
3 invalid config.

Examples:
  paddock invoke examples/models/paddock.config.jsonc primes countPrimes '{"below": 200000}'
  paddock invoke examples/models/paddock.config.jsonc greeter greet '{"name": "Ada"}'
  paddock invoke examples/models/paddock.config.jsonc system-report summary
`;

function parseParams(text: string | undefined): unknown {
  if (text === undefined) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    throw new CliError(`params-json is not JSON: ${(error as Error).message}`, EXIT.usage);
  }
}

/** The entries' ids, the way the runtime gives them: the entry's own, or one from its url or exec. */
function entryIds(entries: readonly PluginEntry[]): string[] {
  return entries.map((entry) => entry.id ?? (isModuleEntry(entry) ? defaultIdFor(entry.url) : defaultExternalId(entry.exec)));
}

function describeProgress(progress: TaskProgress): string {
  return `progress ${String(Math.round(progress.value * 100)).padStart(3)}%${progress.message ? `  ${progress.message}` : ''}\n`;
}

export async function invoke(configFile: string, id: string, name: string, params: unknown, io: CliIo, options: { timeoutS?: number; logLevel: string; packages?: PackageOptions }): Promise<unknown> {
  let loaded;
  try {
    loaded = await readConfigFile(configFile, processHostConfigSchema);
  } catch (error) {
    if (error instanceof ConfigError) throw new CliError(oneLine(error), EXIT.config);
    throw error;
  }
  const { config, baseDir } = loaded;
  const ids = entryIds(config.plugins);
  const index = ids.indexOf(id);
  if (index < 0) throw new CliError(`${configFile} has no plugin "${id}" (it has: ${ids.join(', ') || 'none'})`, EXIT.usage);
  const again = ids.indexOf(id, index + 1);
  if (again >= 0) throw new CliError(`${configFile}: plugins[${index}] and plugins[${again}] both have the id "${id}" (give one its own "id")`, EXIT.config);
  const logger = createHostLogger({ pretty: true, level: options.logLevel, destination: io.stderr });
  const host = new ProcessHost({ plugins: [], processes: [] }, baseDir, { logger, source: configFile, ...(options.packages ? { runtime: { packages: options.packages } } : {}) });
  const abort = new AbortController();
  const onSignal = () => abort.abort(new Error('interrupted (Ctrl-C)'));
  process.once('SIGINT', onSignal);
  let timer: NodeJS.Timeout | undefined;
  try {
    const info = await host.runtime.load({ ...config.plugins[index]!, id }, { baseDir, path: `plugins[${index}]` }).catch((error: unknown) => {
      throw new CliError(oneLine(error), error instanceof ConfigError ? EXIT.config : EXIT.failed);
    });
    const isAction = info.actions.some((a) => a.name === name);
    const isTask = !isAction && info.tasks.some((t) => t.name === name);
    if (!isAction && !isTask) {
      const list = (items: Array<{ name: string }>) => items.map((i) => i.name).join(', ') || 'none';
      throw new CliError(`plugin "${id}" has no action or task "${name}" (actions: ${list(info.actions)}; tasks: ${list(info.tasks)})`, EXIT.usage);
    }
    const timeoutMs = options.timeoutS === undefined ? undefined : Math.round(options.timeoutS * 1000);
    const work = isAction
      ? host.runtime.invoke(id, name, params)
      : host.runtime.runTask(id, name, params, {
        signal: abort.signal,
        onProgress: (progress) => io.stderr.write(describeProgress(progress)),
        ...(timeoutMs === undefined ? {} : { timeoutMs }),
      });
    const gaveUp = new Promise<never>((_resolve, reject) => {
      // A task is cancelled by its own deadline and signal; an action has no cancel: give up waiting.
      if (isAction && timeoutMs !== undefined) timer = setTimeout(() => reject(new Error(`action "${name}" did not finish within ${options.timeoutS} s`)), timeoutMs);
      if (isAction) abort.signal.addEventListener('abort', () => reject(abort.signal.reason as Error), { once: true });
    });
    return await Promise.race([work, gaveUp]).catch((error: unknown) => {
      throw error instanceof CliError ? error : new CliError(oneLine(error), EXIT.failed);
    });
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    await host.stop('invoke finished');
  }
}

export const invokeCommand: Command = {
  name: 'invoke',
  summary: 'start one plugin of a config, run one action or task, print the result',
  usage,
  examples: ['paddock invoke examples/models/paddock.config.jsonc primes countPrimes \'{"below": 200000}\''],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      timeout: { type: 'string' },
      'log-level': { type: 'string', default: 'warn' },
      ...frozenFlag,
      ...packageFlags,
    });
    if (positionals.length < 3 || positionals.length > 4) throw new CliError('expected <config> <plugin-id> <action-or-task> [params-json] (see --help)', EXIT.usage);
    const [configFile, id, name, paramsText] = positionals as [string, string, string, string | undefined];
    const logLevel = String(values['log-level']);
    if (!LOG_LEVELS.includes(logLevel)) throw new CliError(`--log-level expects one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`, EXIT.usage);
    const timeoutS = parseSeconds('--timeout', values.timeout as string | undefined);
    const result = await invoke(configFile, id, name, parseParams(paramsText), io, { logLevel, packages: packageOptionsFromFlags(values as Parameters<typeof packageOptionsFromFlags>[0]), ...(timeoutS === undefined ? {} : { timeoutS }) });
    io.stdout.write(`${JSON.stringify(result === undefined ? null : result, null, 2)}\n`);
    return EXIT.ok;
  },
};
