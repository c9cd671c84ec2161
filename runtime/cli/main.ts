#!/usr/bin/env node
/**
 * The `paddock` command line. Sub-commands live in commands/; this file only dispatches
 * and turns errors into one line on stderr with a non-zero exit code.
 */
import { CliError, type CliIo } from './command.js';
import { commands } from './commands/index.js';
import { EXIT } from './exit-codes.js';
import { oneLine } from './one-line.js';
import { ConfigError } from '../../sdk/errors.js';

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
  if (name === undefined) {
    // No command is bad usage (exit 2, like every other usage error); the help says what to type.
    io.stderr.write(help());
    return EXIT.usage;
  }
  if (name === '--help' || name === '-h' || name === 'help') {
    io.stdout.write(help());
    return EXIT.ok;
  }
  if (name === '--version' || name === '-v') {
    const { createRequire } = await import('node:module');
    const pkg = createRequire(import.meta.url)('../../../package.json') as { version: string };
    io.stdout.write(`${pkg.version}\n`);
    return 0;
  }
  const command = commands.find((c) => c.name === name);
  if (!command) {
    const near = commands.find((c) => c.name.startsWith(name.slice(0, 2)) && name.length > 1);
    io.stderr.write(`paddock: unknown command ${JSON.stringify(name)}${near && name !== near.name ? ` (did you mean "${near.name}"?)` : ''} (run "paddock --help")\n`);
    return EXIT.usage;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout.write(command.usage.endsWith('\n') ? command.usage : `${command.usage}\n`);
    return 0;
  }
  try {
    return await command.run(rest, io);
  } catch (error) {
    // One line, once: a CliError's message is already the whole reason; anything else is
    // flattened the same way (its problems joined), never printed with its cause chain.
    const message = error instanceof CliError ? error.message : oneLine(error);
    io.stderr.write(`paddock ${name}: ${message}\n`);
    return error instanceof CliError ? error.exitCode : error instanceof ConfigError ? EXIT.config : EXIT.failed;
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
