#!/usr/bin/env node
/**
 * The `paddock` command line. Sub-commands live in commands/; this file only dispatches
 * and turns errors into one line on stderr with a non-zero exit code.
 */
import { CliError, type CliIo } from './command.js';
import { commands } from './commands/index.js';

function help(): string {
  const width = Math.max(...commands.map((c) => c.name.length), 4);
  const lines = commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  const examples = commands.flatMap((c) => c.examples ?? []).map((e) => `  ${e}`);
  return [
    'paddock: run sandboxed plugins from file:, npm: and jsr: urls',
    '',
    'Usage: paddock <command> [options]',
    '',
    'Commands:',
    ...lines,
    ...(examples.length ? ['', 'Examples:', ...examples] : []),
    '',
    'Exit codes: 0 ok; 1 failed (e.g. a plugin did not load or verify); 2 bad usage;',
    '3 invalid config. The reason of a failure is one line on stderr.',
    '',
    'Run "paddock <command> --help" for the options and examples of a command.',
    '',
  ].join('\n');
}

export async function main(argv: string[], io: CliIo = { stdout: process.stdout, stderr: process.stderr }): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return name === undefined ? 1 : 0;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    io.stderr.write(`paddock: unknown command ${JSON.stringify(name)} (run "paddock --help")\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    io.stderr.write(`paddock ${name}: ${message.split('\n')[0]}\n`);
    if (!(error instanceof CliError) && message.includes('\n')) io.stderr.write(`${message.split('\n').slice(1).join('\n')}\n`);
    return error instanceof CliError ? error.exitCode : 1;
  }
}

const isEntry = process.argv[1] !== undefined && import.meta.url === (await import('node:url')).pathToFileURL((await import('node:fs')).realpathSync(process.argv[1])).href;
if (isEntry) {
  main(process.argv.slice(2)).then((code) => {
    process.exitCode = code;
  }, (error: unknown) => {
    process.stderr.write(`paddock: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exitCode = 1;
  });
}
