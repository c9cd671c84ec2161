/**
 * `paddock run <config> --host <module>`: a plain PluginRuntime with the user's own API
 * and events (no processes, no Pup profile) over the config's plugins, until Ctrl-C,
 * SIGTERM or --duration. The log goes to stdout as for the Pup profile.
 */
import { ConfigError } from '../../sdk/errors.js';
import { createLogger } from '../logging/logger.js';
import type { PackageOptions } from '../packages/options.js';
import { PluginRuntime, type LoadReport } from '../plugin-runtime.js';
import { CliError } from './command.js';
import { EXIT } from './exit-codes.js';
import type { HostModule } from './host-module.js';
import { oneLine } from './one-line.js';

export interface RunWithHostOptions {
  configFile: string;
  host: HostModule;
  durationS?: number;
  pretty: boolean;
  logLevel: string;
  packages: PackageOptions;
  destination?: NodeJS.WritableStream;
}

export async function runWithHost(options: RunWithHostOptions): Promise<LoadReport['failed']> {
  const logger = createLogger({ level: options.logLevel as never, pretty: options.pretty, ...(options.destination ? { destination: options.destination } : {}) });
  let runtime: PluginRuntime;
  try {
    runtime = new PluginRuntime({ ...options.host, logger, packages: options.packages });
  } catch (error) {
    throw new CliError(`--host: ${oneLine(error)}`, EXIT.config);
  }
  let stopRequested!: (reason: string) => void;
  const stopped = new Promise<string>((resolve) => { stopRequested = resolve; });
  const onSignal = (signal: NodeJS.Signals) => stopRequested(`received ${signal}`);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  const timer = options.durationS === undefined ? undefined : setTimeout(() => stopRequested(`--duration ${options.durationS} s is over`), options.durationS * 1000);
  try {
    let report: LoadReport;
    try {
      report = await runtime.loadConfig(options.configFile);
    } catch (error) {
      throw new CliError(oneLine(error), error instanceof ConfigError ? EXIT.config : EXIT.failed);
    }
    logger.info(`running: plugins ${report.loaded.map((p) => p.id).join(', ') || '(none)'}`);
    logger.info(`terminating: ${await stopped}`);
    return report.failed;
  } finally {
    clearTimeout(timer);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await runtime.close();
  }
}
