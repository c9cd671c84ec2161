/**
 * The host's pino logger. Two formats, one line per entry:
 * - JSON lines (`paddock run`): {"level":"info","time":…,"plugin":"x","process":"y","msg":"…"}
 *   `plugin` is set on lines of a plugin, `process` (and `stream`) on lines of a process;
 * - pretty (`npm start`): `12:00:00.000 INFO: [plugin] <process> message`.
 */
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';

export interface HostLoggerOptions {
  pretty?: boolean;
  level?: string;
  /** Where lines go (default: stdout). */
  destination?: NodeJS.WritableStream;
}

export function createHostLogger(options: HostLoggerOptions = {}): Logger {
  const level = options.level ?? 'info';
  const base = { name: 'paddock' };
  if (options.pretty) {
    return pino({ level, base }, pretty({
      colorize: options.destination === undefined && process.stdout.isTTY === true,
      ignore: 'pid,hostname,name,plugin,process,stream,category',
      messageFormat: '{if plugin}[{plugin}] {end}{if process}<{process}> {end}{msg}',
      translateTime: 'HH:MM:ss.l',
      destination: (options.destination ?? 1) as never,
      sync: true,
    }));
  }
  return pino({
    level,
    base,
    formatters: { level: (label) => ({ level: label }) },
  }, options.destination ?? pino.destination({ dest: 1, sync: true }));
}
