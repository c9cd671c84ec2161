/**
 * `paddock run <config>`: the example process host (examples/process-host/) over a
 * config file with `processes` and `plugins`. The host log goes to stdout as JSON
 * lines (one object per entry; `plugin` / `process` say whose line it is), or pretty
 * with --pretty. Ctrl-C (or SIGTERM, or --duration) stops it cleanly.
 */
import { ConfigError } from '../../../sdk/errors.js';
import { runProcessHost } from '../../pup/run.js';
import { oneLine } from '../one-line.js';
import { hostFlag, hostFlagUsage, loadHostModule } from '../host-module.js';
import { runWithHost } from '../run-with-host.js';
import { parseCommandArgs, parseSeconds } from '../args.js';
import { CliError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { frozenFlag, frozenFlagUsage, packageFlags, packageFlagsUsage, packageOptionsFromFlags } from '../package-flags.js';

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error', 'silent'];

const usage = `Usage: paddock run <config> [--duration <s>] [--watch] [--pretty] [--log-level <level>]
                   [--host <module>] [--frozen] [--cache-dir <dir>] [--registry <url>] [--jsr-registry <url>]

Run the process host profile: supervise the config's processes and run its plugins,
sandboxed, with Pup's plugin API and events. The log goes to stdout, one JSON object
per line ({"level","time","plugin"?,"process"?,"msg"}), plugin lines included.
With --host, run the config's plugins against your own host API instead (no processes).

Options:
  --duration <s>       stop by itself after <s> seconds
  --watch              reload a file: plugin when its source changes
  --pretty             human-readable log lines instead of JSON
  --log-level <level>  trace, debug, info (default), warn, error, silent
${hostFlagUsage}
${frozenFlagUsage}
${packageFlagsUsage}

Exit codes: 0 clean stop; 1 a plugin did not start (the others ran);
2 bad usage; 3 invalid config (the reason is one line on stderr).

Examples:
  paddock run examples/process-host/paddock.config.jsonc --duration 10
  paddock run pup.jsonc --pretty --watch
`;

export const runCommand: Command = {
  name: 'run',
  summary: 'run a config\'s processes and plugins (the example process host)',
  usage,
  examples: ['paddock run examples/process-host/paddock.config.jsonc --duration 10'],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      duration: { type: 'string' },
      watch: { type: 'boolean', default: false },
      pretty: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      ...hostFlag,
      ...frozenFlag,
      ...packageFlags,
    });
    if (positionals.length !== 1) throw new CliError('expected one config file (see --help)', EXIT.usage);
    const durationS = parseSeconds('--duration', values.duration as string | undefined);
    const logLevel = String(values['log-level']);
    if (!LOG_LEVELS.includes(logLevel)) throw new CliError(`--log-level expects one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(logLevel)}`, EXIT.usage);
    const packages = packageOptionsFromFlags(values as Parameters<typeof packageOptionsFromFlags>[0]);
    if (values.host !== undefined) {
      const failed = await runWithHost({
        configFile: positionals[0]!,
        host: await loadHostModule(values.host as string),
        ...(durationS === undefined ? {} : { durationS }),
        pretty: values.pretty === true,
        logLevel,
        packages,
        ...(io.stdout === process.stdout ? {} : { destination: io.stdout }),
      });
      if (failed.length) throw new CliError(`${failed.length} plugin(s) did not start: ${failed.map((f) => `${f.path} (${f.id}): ${oneLine(f.error)}`).join('; ')}`, EXIT.failed);
      return EXIT.ok;
    }
    let result;
    try {
      result = await runProcessHost({
        configFile: positionals[0]!,
        ...(durationS === undefined ? {} : { durationS }),
        watch: values.watch === true,
        pretty: values.pretty === true,
        logLevel,
        runtime: { packages },
        ...(io.stdout === process.stdout ? {} : { destination: io.stdout }),
      });
    } catch (error) {
      if (error instanceof ConfigError) throw new CliError(oneLine(error), EXIT.config);
      throw new CliError(oneLine(error), EXIT.failed);
    }
    if (result.failed.length) {
      const list = result.failed.map((f) => `${f.path} (${f.id}): ${oneLine(f.error)}`).join('; ');
      throw new CliError(`${result.failed.length} plugin(s) did not start: ${list}`, EXIT.failed);
    }
    return EXIT.ok;
  },
};
