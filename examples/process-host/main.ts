#!/usr/bin/env node
/**
 * `npm start`: the example process host with its example plugins and demo processes,
 * pretty logs, until Ctrl-C.
 *
 *   node dist/examples/process-host/main.js [config] [--duration <s>] [--watch] [--json] [--log-level <level>] [--dashboard-port <n>]
 *
 * Without a config it runs examples/process-host/paddock.config.jsonc and, once
 * started, shows an action and configure() of the reporter plugin (tour.ts).
 */
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { runProcessHost, oneLine } from '../../runtime/pup/run.js';
import { exampleTour } from './tour.js';
import type { ProcessHost } from '../../runtime/pup/host.js';

const EXAMPLE_CONFIG = fileURLToPath(new URL('../../../examples/process-host/paddock.config.jsonc', import.meta.url));

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    args: process.argv.slice(2),
    allowPositionals: true,
    options: {
      duration: { type: 'string' },
      watch: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      'log-level': { type: 'string', default: 'info' },
      'dashboard-port': { type: 'string' },
    },
  });
  if (positionals.length > 1) throw new Error(`expected at most one config file, got ${positionals.join(' ')}`);
  const durationS = values.duration === undefined ? undefined : Number(values.duration);
  if (durationS !== undefined && !(durationS > 0)) throw new Error(`--duration expects a number of seconds > 0, got ${JSON.stringify(values.duration)}`);
  const configFile = positionals[0] ?? EXAMPLE_CONFIG;
  const result = await runProcessHost({
    configFile,
    ...(durationS === undefined ? {} : { durationS }),
    watch: values.watch,
    pretty: !values.json,
    logLevel: values['log-level'],
    ...(positionals[0] === undefined ? { afterStart: exampleTour } : {}),
    ...(values['dashboard-port'] === undefined ? {} : { adjust: moveDashboard(values['dashboard-port']) }),
  });
  if (result.exitCode !== 0) process.stderr.write(`process host: ${result.failed.length} plugin(s) did not start: ${result.failed.map((f) => f.id).join(', ')}\n`);
  return result.exitCode;
}

/** The dashboard plugin's port and its net grant, moved together (the grant stays one port). */
function moveDashboard(value: string): (config: ProcessHost['config']) => void {
  const port = Number(value);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`--dashboard-port expects a port number, got ${JSON.stringify(value)}`);
  return (config) => {
    const entry = config.plugins.find((p) => p.id === 'dashboard');
    if (!entry) throw new Error('--dashboard-port: the config has no plugin with id "dashboard"');
    entry.options = { ...entry.options, port };
    entry.permissions = { ...entry.permissions, net: [`127.0.0.1:${port}`] };
  };
}

main().then((code) => {
  process.exitCode = code;
}, (error: unknown) => {
  process.stderr.write(`process host: ${oneLine(error)}\n`);
  process.exitCode = 1;
});
