/**
 * `paddock check <url>`: load one plugin the way `paddock run` would (same host API,
 * same scopes, its own sandboxed worker), let it start, verify and validate, then
 * stop it (its cleanup() runs), and print what was found: meta, actions, the scopes
 * it would get, the events it listens to, what it logged, and any error.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from '../../../sdk/errors.js';
import { ProcessHost } from '../../pup/host.js';
import { PluginRuntime } from '../../plugin-runtime.js';
import { hostFlag, hostFlagUsage, loadHostModule } from '../host-module.js';
import { createHostLogger } from '../../pup/logger.js';
import { oneLine } from '../one-line.js';
import { formatPermissions } from '../../permissions/format.js';
import type { PluginInfo } from '../../supervisor/plugin-controller.js';
import { parseCommandArgs } from '../args.js';
import { CliError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';
import { frozenFlag, frozenFlagUsage, packageFlags, packageFlagsUsage, packageOptionsFromFlags } from '../package-flags.js';
import type { PackageOptions } from '../../packages/options.js';

const usage = `Usage: paddock check <url> [--options <json>] [--scope <name>]... [--permissions <json>]
                     [--isolation worker|process] [--json]
                     [--host <module>] [--frozen] [--cache-dir <dir>] [--registry <url>] [--jsr-registry <url>]

Load a plugin (a path, a file: URL, npm: or jsr:) in a sandboxed worker against the
process host API (or your own: --host), verify it (meta, host API version, validate(), configure()), stop
it (cleanup() runs) and print its meta, actions, tasks, scopes, events, the
permissions it gets, and any error.

Options:
  --options <json>      the plugin's options, e.g. '{"threshold": 80}'
  --scope <name>        a scope to grant besides the defaults (repeatable): control, terminate, ipc
  --permissions <json>  the permissions its entry asks for, e.g. '{"read": ["./data"], "net": ["api.example.com:443"]}'
  --isolation <tier>    worker (default) or process
  --json                print the report as JSON
${hostFlagUsage}
${frozenFlagUsage}
${packageFlagsUsage}

Exit codes: 0 the plugin passed; 1 it failed (the reason is one line on stderr);
2 bad usage; 3 bad options, scopes or permissions.

Examples:
  paddock check examples/plugins/status-alerter.js --scope control
  paddock check ./my-plugin.ts --options '{"threshold": 80}'
  paddock check ./my-plugin.js --host ./my-host-api.js --scope users
  paddock check ./my-plugin.ts --permissions '{"env": ["HOME"], "net": ["127.0.0.1:8080"]}'
`;

export interface CheckReport {
  url: string;
  id?: string;
  ok: boolean;
  error?: { code?: string; message: string };
  meta?: PluginInfo['meta'];
  hostApiVersion: string;
  actions: PluginInfo['actions'];
  tasks: PluginInfo['tasks'];
  collector?: PluginInfo['collector'];
  scopes: string[];
  subscriptions: string[];
  /** What the plugin gets: its entry's permissions within the host's ceiling. */
  permissions?: PluginInfo['permissions'];
  isolation?: PluginInfo['isolation'];
  /** For a process-isolated plugin: whether it runs inside the OS wall, and if not, why. */
  osWall?: { available: boolean; reason?: string };
  logged: Array<{ severity: string; message: string }>;
}

function parseObject(flag: string, text: string | undefined): Record<string, unknown> | undefined {
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new CliError(`${flag} is not JSON: ${(error as Error).message}`, EXIT.usage);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new CliError(`${flag} must be a JSON object`, EXIT.usage);
  return value as Record<string, unknown>;
}

export interface CheckRequest {
  options?: Record<string, unknown> | undefined;
  scopes: string[];
  /** The entry's permissions, unchecked: the runtime validates them like a config's. */
  permissions?: Record<string, unknown> | undefined;
  isolation?: string | undefined;
  /** A module exporting the host's own `api` and `events` (default: the Pup profile's). */
  host?: string | undefined;
  /** Where a relative url and paddock.lock are looked up (default: the working directory). */
  baseDir?: string | undefined;
  /** Package loading for npm:/jsr: urls (--frozen, --cache-dir, registries). */
  packages?: PackageOptions | undefined;
}

export async function checkPlugin(url: string, request: CheckRequest): Promise<CheckReport> {
  const { options, scopes, permissions, isolation, packages, baseDir } = request;
  const hostModule = request.host === undefined ? undefined : await loadHostModule(request.host);
  const dataDir = mkdtempSync(join(tmpdir(), 'paddock-check-'));
  let runtime: PluginRuntime;
  let stop: () => Promise<void>;
  if (hostModule) {
    // The user's own host: its API and events, nothing of the Pup profile.
    try {
      runtime = new PluginRuntime({ ...hostModule, logLevel: 'silent', dataDir, baseDir: baseDir ?? process.cwd(), ...(packages ? { packages } : {}) });
    } catch (error) {
      rmSync(dataDir, { recursive: true, force: true });
      throw new CliError(`--host ${request.host}: ${oneLine(error)}`, EXIT.config);
    }
    stop = () => runtime.close();
  } else {
    const host = new ProcessHost({ plugins: [], processes: [] }, baseDir ?? process.cwd(), {
      logger: createHostLogger({ level: 'silent' }),
      runtime: { dataDir, ...(packages ? { packages } : {}) },
    });
    runtime = host.runtime;
    stop = () => host.stop('check finished');
  }
  const logged: CheckReport['logged'] = [];
  runtime.on('plugin:log', ({ severity, message }) => logged.push({ severity, message }));
  let error: Error | undefined;
  let info: PluginInfo | undefined;
  try {
    info = await runtime.load({
      url,
      ...(options ? { options } : {}),
      ...(scopes.length ? { scopes } : {}),
      ...(permissions ? { permissions: permissions as never } : {}),
      ...(isolation ? { isolation: isolation as never } : {}),
    });
  } catch (caught) {
    error = caught as Error;
    info = runtime.list()[0];
  }
  try {
    await stop();
  } finally {
    rmSync(dataDir, { recursive: true, force: true });
  }
  if (error instanceof ConfigError) throw new CliError(oneLine(error), EXIT.config);
  const report: CheckReport = {
    url,
    ok: error === undefined,
    hostApiVersion: runtime.apiVersion,
    actions: info?.actions ?? [],
    tasks: info?.tasks ?? [],
    scopes: info?.scopes ?? [],
    subscriptions: info?.subscriptions ?? [],
    logged,
  };
  if (info) report.id = info.id;
  if (info?.meta) report.meta = info.meta;
  if (info?.collector) report.collector = info.collector;
  if (info) {
    report.permissions = info.permissions;
    report.isolation = info.isolation;
  }
  if ((info?.isolation ?? isolation) === 'process') {
    const wall = runtime.osWall;
    report.osWall = { available: wall.available, ...(wall.reason ? { reason: wall.reason } : {}) };
  }
  if (error) {
    const code = (error as { code?: unknown }).code;
    report.error = { message: oneLine(error), ...(typeof code === 'string' ? { code } : {}) };
  }
  return report;
}

function describeParams(params: unknown): string {
  const properties = (params as { properties?: Record<string, unknown> } | undefined)?.properties;
  return properties ? `{ ${Object.keys(properties).join(', ')} }` : '';
}

export function formatReport(report: CheckReport): string {
  const sections: Array<[string, string[]]> = [
    ['plugin', [report.url]],
    ['id', [report.id ?? '(none: it was refused before it had one)']],
    ['result', [report.ok ? 'ok: loaded, verified, validated, configured and stopped cleanly' : `FAILED: ${report.error?.message}`]],
    ['meta', [report.meta
      ? `${report.meta.name} ${report.meta.version}, host API ${report.meta.api} (this host offers ${report.hostApiVersion})`
      : '(not verified)']],
    ['repository', [report.meta?.repository ?? '(unknown)']],
    ['actions', report.actions.length
      ? report.actions.map((a) => `${a.name}${describeParams(a.params)}${a.description ? ` - ${a.description}` : ''}`)
      : ['(none)']],
    // Only plugins that have them: tasks and collecting are what few plugins do.
    ...(report.tasks.length
      ? [['tasks', report.tasks.map((t) => `${t.name}${describeParams(t.params)}${t.description ? ` - ${t.description}` : ''}`)]] as Array<[string, string[]]>
      : []),
    ...(report.collector
      ? [['collects', [`${report.collector.kind}${report.collector.kind === 'monitor' ? `, every ${report.collector.interval ?? 60} s unless the entry sets collector.interval` : ', once after start and on refreshInfo()'}`]]] as Array<[string, string[]]>
      : []),
    ['scopes', [report.scopes.join(', ') || '(none)']],
    ['listens to', [report.subscriptions.join(', ') || '(no events)']],
    ...(report.permissions
      ? [['permissions', [`${report.isolation ?? 'worker'} isolation`, ...formatPermissions(report.permissions).split('\n')]]] as Array<[string, string[]]>
      : []),
    ...(report.osWall
      ? [['OS wall', [report.osWall.available
        ? 'yes: bubblewrap (own mount, pid, user, ipc and uts namespaces; no network unless net is granted)'
        : `NO OS WALL: ${report.osWall.reason ?? 'unavailable'}; the plugin runs under Node's permission model and the gates only`]]] as Array<[string, string[]]>
      : []),
    ['logged', report.logged.length ? report.logged.slice(0, 20).map((l) => `${l.severity}: ${l.message}`) : ['(nothing)']],
  ];
  const width = Math.max(...sections.map(([label]) => label.length));
  return sections
    .flatMap(([label, lines]) => lines.map((line, i) => `${(i === 0 ? label : '').padEnd(width)}  ${line}`))
    .join('\n') + '\n';
}

export const checkCommand: Command = {
  name: 'check',
  summary: 'load a plugin, verify it, and print its meta, actions and scopes',
  usage,
  examples: ['paddock check examples/plugins/status-alerter.js --scope control'],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, {
      options: { type: 'string' },
      scope: { type: 'string', multiple: true, default: [] },
      permissions: { type: 'string' },
      isolation: { type: 'string' },
      json: { type: 'boolean', default: false },
      ...hostFlag,
      ...frozenFlag,
      ...packageFlags,
    });
    if (positionals.length !== 1) throw new CliError('expected one plugin url (see --help)', EXIT.usage);
    const report = await checkPlugin(positionals[0]!, {
      options: parseObject('--options', values.options as string | undefined),
      scopes: values.scope as string[],
      permissions: parseObject('--permissions', values.permissions as string | undefined),
      isolation: values.isolation as string | undefined,
      host: values.host as string | undefined,
      packages: packageOptionsFromFlags(values as Parameters<typeof packageOptionsFromFlags>[0]),
    });
    io.stdout.write(values.json ? `${JSON.stringify(report, null, 2)}\n` : formatReport(report));
    if (!report.ok) throw new CliError(report.error!.message, EXIT.failed);
    return EXIT.ok;
  },
};
