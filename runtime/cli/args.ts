/** Command-line parsing shared by the commands: node's parseArgs, with usage errors as CliError. */
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { CliError } from './command.js';
import { EXIT } from './exit-codes.js';

type Options = NonNullable<ParseArgsConfig['options']>;

export interface ParsedArgs {
  values: Record<string, string | boolean | Array<string | boolean> | undefined>;
  positionals: string[];
}

/** Edit distance, for "did you mean" (flag names are short: the quadratic table is fine). */
function distance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) {
      row[j] = Math.min(previous[j]! + 1, row[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    }
    previous = row;
  }
  return previous[b.length]!;
}

/** The known flag nearest to `given` (a typo, a missing or extra dash, a prefix), or undefined. */
export function nearestFlag(given: string, options: Options): string | undefined {
  const name = given.replace(/^-+/, '').split('=')[0]!;
  let best: { flag: string; d: number } | undefined;
  for (const flag of Object.keys(options)) {
    const d = flag.startsWith(name) && name.length >= 2 ? 1 : distance(name, flag);
    if (!best || d < best.d) best = { flag, d };
  }
  return best && best.d <= Math.max(2, Math.floor(best.flag.length / 3)) ? `--${best.flag}` : undefined;
}

/**
 * `--timeout -1`: parseArgs calls a value starting with "-" ambiguous. A negative number
 * after a flag that takes a value is meant as its value: pass it on as `--timeout=-1`,
 * so the flag's own check says what is wrong with it.
 */
function joinNegativeValues(args: string[], options: Options): string[] {
  const out: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const next = args[i + 1];
    const option = arg.startsWith('--') ? options[arg.slice(2)] : undefined;
    if (option?.type === 'string' && next !== undefined && /^-\d|^-\.\d/.test(next)) {
      out.push(`${arg}=${next}`);
      i++;
    } else {
      out.push(arg);
    }
  }
  return out;
}

export function parseCommandArgs(args: string[], options: Options): ParsedArgs {
  try {
    return parseArgs({ args: joinNegativeValues(args, options), options, allowPositionals: true, strict: true });
  } catch (error) {
    const { code, message } = error as Error & { code?: string };
    if (code === 'ERR_PARSE_ARGS_UNKNOWN_OPTION') {
      const given = /'([^']+)'/.exec(message)?.[1] ?? '';
      const near = nearestFlag(given, options);
      throw new CliError(`unknown option ${given}${near ? ` (did you mean ${near}?)` : ''} (see --help)`, EXIT.usage);
    }
    const ambiguous = /Option '(--[\w-]+)[^']*' argument is ambiguous/.exec(message);
    if (ambiguous) throw new CliError(`${ambiguous[1]} needs a value (write ${ambiguous[1]}=<value> for a value that starts with "-") (see --help)`, EXIT.usage);
    // Node's messages go on with advice about "--"; the first sentence is the reason.
    const reason = message.split('\n')[0]!.split('. ')[0]!;
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
