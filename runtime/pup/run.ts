/**
 * Run a process host from a config file until it is told to stop: Ctrl-C (SIGINT),
 * SIGTERM, `--duration`, or a plugin's terminate(). Shared by `npm start` (main.ts)
 * and `paddock run`. A second Ctrl-C kills the processes and exits at once.
 */
import type { LoadReport } from '../index.js';
import type { Logger } from 'pino';
import { ProcessHost, type ProcessHostOptions } from './host.js';
import { createHostLogger } from './logger.js';
import { watchPluginSources } from './plugin-reloader.js';

export interface RunOptions {
  configFile: string;
  /** Stop by itself after this many seconds. */
  durationS?: number;
  /** Reload file: plugins when their source changes. */
  watch?: boolean;
  pretty?: boolean;
  logLevel?: string;
  /** Where the log goes (default stdout). */
  destination?: NodeJS.WritableStream;
  /** React to SIGINT/SIGTERM (default true). */
  signals?: boolean;
  /** Runs once the host has started (the example tour of `npm start`). */
  afterStart?: (host: ProcessHost) => Promise<void>;
  runtime?: ProcessHostOptions['runtime'];
  /** Change the config once read, before anything starts (e.g. a port given on the command line). */
  adjust?: (config: ProcessHost['config']) => void;
}

export interface RunResult {
  /** 0 after a clean run; 1 when a plugin did not start (the others ran). */
  exitCode: number;
  /** Why the host stopped. */
  reason: string;
  failed: LoadReport['failed'];
}

export async function runProcessHost(options: RunOptions): Promise<RunResult> {
  const logger = createHostLogger({ pretty: options.pretty ?? false, level: options.logLevel ?? 'info', ...(options.destination ? { destination: options.destination } : {}) });
  const host = await ProcessHost.fromFile(options.configFile, { logger, ...(options.runtime ? { runtime: options.runtime } : {}) });
  options.adjust?.(host.config);
  // Installed before anything starts, and kept until the very end: a Ctrl-C during the
  // start-up still stops cleanly, a second one during the shutdown still kills at once.
  const stopHandlingSignals = options.signals ?? true ? handleSignals(host, logger) : () => {};
  let report: LoadReport;
  try {
    report = await host.start();
  } catch (error) {
    // The plugin entries were refused before anything started (unknown scope, duplicate id).
    await host.stop('start failed');
    stopHandlingSignals();
    throw error;
  }
  const cleanups: Array<() => void> = [];
  if (options.durationS !== undefined) {
    const timer = setTimeout(() => host.requestTermination(`--duration ${options.durationS} s is over`), options.durationS * 1000);
    cleanups.push(() => clearTimeout(timer));
  }
  if (options.watch) cleanups.push(await watchPluginSources(host));
  const extra = options.afterStart?.(host).catch((error: unknown) => host.log('warn', 'host', `after start: ${(error as Error).message}`));
  const reason = await host.terminated;
  await extra;
  for (const cleanup of cleanups) cleanup();
  await host.stop(reason);
  stopHandlingSignals();
  return { exitCode: report.failed.length ? 1 : 0, reason, failed: report.failed };
}

function handleSignals(host: ProcessHost, logger: Logger): () => void {
  let received = 0;
  const onSignal = (signal: NodeJS.Signals) => {
    received++;
    if (received === 1) {
      host.requestTermination(`received ${signal}`);
      return;
    }
    logger.warn(`received ${signal} again: killing the processes and exiting now`);
    host.processes.killAll();
    process.exit(130);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return () => {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
  };
}

/** One line for a terminal: the first line of a multi-line error, its problems joined with "; ". */
export function oneLine(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const [first = '', ...rest] = message.split('\n').map((l) => l.trim()).filter(Boolean);
  if (!rest.length) return first;
  return `${first.replace(/:$/, '')}: ${rest.map((l) => l.replace(/^- /, '')).join('; ')}`;
}
