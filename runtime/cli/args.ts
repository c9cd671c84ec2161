/** Command-line parsing shared by the commands: node's parseArgs, with usage errors as CliError. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './command.js';
import { EXIT } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

export function parseCommandArgs(args: string[], options: Options): ParsedArgs {
  try {
    return parseArgs({ args, options, allowPositionals: true, strict: true });
  } catch (error) {
    // Node's messages go on with advice about "--"; the first sentence is the reason.
    const reason = (error as Error).message.split('\n')[0]!.split('. ')[0]!;
    throw new CliError(`${reason} (see --help)`, EXIT.usage);
  }
}

/** `--duration 5` → 5; anything but a positive number of seconds is a usage error. */
export function parseSeconds(flag: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const seconds = Number(value);
  if (!Number.isFinite(seconds) || seconds <= 0) throw new CliError(`${flag} expects a number of seconds > 0, got ${JSON.stringify(value)}`, EXIT.usage);
  return seconds;
}
