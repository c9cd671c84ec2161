/**
 * pino loggers for the runtime. Hosts usually pass their own; otherwise one is made
 * here: JSON lines by default, pretty-printed (pino-pretty, in-process, no extra
 * thread) when asked for.
 */
import { pino, type DestinationStream, type Logger } from 'pino';
import pretty from 'pino-pretty';

export type { Logger };

export interface LoggerOptions {
  level?: string;
  pretty?: boolean;
  /** Where lines go (default: stdout). */
  destination?: DestinationStream | NodeJS.WritableStream;
  name?: string;
}

export function createLogger(options: LoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const base = { name: options.name ?? 'paddock' };
  if (options.pretty) {
    const stream = pretty({
      colorize: process.stdout.isTTY === true,
      ignore: 'pid,hostname,name,plugin',
      messageFormat: '{if plugin}[{plugin}] {end}{msg}',
      translateTime: 'HH:MM:ss.l',
      destination: (options.destination ?? 1) as never,
      sync: true,
    });
    return pino({ level, base }, stream);
  }
  return pino({ level, base }, (options.destination ?? pino.destination({ dest: 1, sync: true })) as DestinationStream);
}
