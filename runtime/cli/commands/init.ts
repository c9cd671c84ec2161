/**
 * `paddock init [dir]`: scaffold a plugin project that passes its own test at once: a
 * plugin written with paddock-runtime/sdk, a test that runs it in a real worker with the
 * SDK harness (paddock-runtime/sdk/testing) under `node --test`, and a config for
 * `paddock run` / `paddock check`. Plain JavaScript (ESM), so it runs on every Node line
 * without a build step. It never overwrites a file.
 */
import { existsSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { basename, join, relative, resolve } from 'node:path';
import { parseCommandArgs } from '../args.js';
import { CliError, type Command } from '../command.js';
import { EXIT } from '../exit-codes.js';

const usage = `Usage: paddock init [dir] [--name <name>]

Scaffold a plugin project in <dir> (default: the current folder): package.json,
plugin.js (a plugin written with paddock-runtime/sdk), test/plugin.test.js (runs it in a
real worker with paddock-runtime/sdk/testing) and paddock.json (a config that loads it).
Existing files are never overwritten. Then: npm install && npm test.

Options:
  --name <name>  the plugin's name (default: the folder's name)

Exit codes: 0 created; 1 a file exists already or could not be written; 2 bad usage.

Examples:
  paddock init my-plugin && cd my-plugin && npm install && npm test
`;

const VERSION = (createRequire(import.meta.url)('../../../../package.json') as { version: string }).version;

export function scaffold(name: string): Record<string, string> {
  return {
    'package.json': `${JSON.stringify({
      name,
      version: '0.1.0',
      private: true,
      type: 'module',
      main: './plugin.js',
      scripts: { test: 'node --test', check: 'paddock check ./plugin.js' },
      dependencies: { 'paddock-runtime': `^${VERSION}` },
    }, null, 2)}\n`,
    'plugin.js': `// A Paddock plugin: the host loads this module in a sandboxed worker and makes one instance.
import { PluginImplementation, defineAction, z } from 'paddock-runtime/sdk';

export class PupPlugin extends PluginImplementation {
  meta = { name: ${JSON.stringify(name)}, version: '0.1.0', api: '^1.0.0', repository: 'https://example.invalid/${name}' };

  actions = {
    greet: defineAction({
      description: 'Return a greeting',
      params: z.object({ name: z.string() }),
      run: ({ name }) => \`\${this.config.options.greeting ?? 'Hello'}, \${name}!\`,
    }),
  };
}
`,
    'test/plugin.test.js': `// Runs the plugin in a real worker, as a host would, with the SDK's test harness.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPlugin } from 'paddock-runtime/sdk/testing';

test('greet answers with the configured greeting', async () => {
  const plugin = await startPlugin({ plugin: new URL('../plugin.js', import.meta.url), options: { greeting: 'Hi' } });
  try {
    assert.equal(await plugin.invoke('greet', { name: 'Ada' }), 'Hi, Ada!');
  } finally {
    await plugin.close();
  }
});
`,
    'paddock.json': `${JSON.stringify({ plugins: [{ url: './plugin.js', options: { greeting: 'Hello' } }] }, null, 2)}\n`,
    '.gitignore': 'node_modules/\n.paddock/\n',
  };
}

export const initCommand: Command = {
  name: 'init',
  summary: 'scaffold a plugin project: a plugin, a test with the SDK harness, a config',
  usage,
  examples: ['paddock init my-plugin'],
  async run(args, io) {
    const { values, positionals } = parseCommandArgs(args, { name: { type: 'string' } });
    if (positionals.length > 1) throw new CliError('expected at most one folder (see --help)', EXIT.usage);
    const dir = resolve(positionals[0] ?? '.');
    const name = (values.name as string | undefined) ?? basename(dir).toLowerCase().replace(/[^a-z0-9-]+/g, '-').replace(/^-+|-+$/g, '') ?? 'my-plugin';
    if (!/^[a-z0-9][a-z0-9._-]*$/.test(name)) throw new CliError(`--name ${JSON.stringify(name)} is not a package name (lower case letters, digits, "-", "." and "_")`, EXIT.usage);
    const files = scaffold(name);
    const existing = Object.keys(files).filter((file) => existsSync(join(dir, file)));
    if (existing.length) throw new CliError(`${relative(process.cwd(), dir) || '.'} already has ${existing.join(', ')}; nothing was written`, EXIT.failed);
    for (const [file, text] of Object.entries(files)) {
      await mkdir(join(dir, file, '..'), { recursive: true });
      await writeFile(join(dir, file), text, { flag: 'wx' });
      io.stdout.write(`created ${join(relative(process.cwd(), dir), file)}\n`);
    }
    const cd = relative(process.cwd(), dir);
    io.stdout.write(`\nNext: ${cd ? `cd ${cd} && ` : ''}npm install && npm test\n`);
    return EXIT.ok;
  },
};
