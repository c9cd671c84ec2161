/**
 * `paddock add <specifier>…`: resolve npm:/jsr: plugins, install them (and the npm:/jsr:
 * imports in their source) into the cache, record them in paddock.lock next to the
 * config, and add them to the config's plugins. A specifier without a range is pinned
 * to `^<version>`, as `deno add` does. Installs and cache entries that fail verification
 * are replaced here (the runtime refuses them).
 */
import { existsSync } from 'node:fs';
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, relative, resolve } from 'node:path';
import { applyEdits, modify, type FormattingOptions } from 'jsonc-parser';
import { readConfigFile } from '../../config/load.js';
import { isModuleEntry } from '../../config/schema.js';
import { createLogger } from '../../logging/logger.js';
import { LOCKFILE_NAME } from '../../packages/lockfile.js';
import { packageOptionsSchema, resolvePackageOptions, type PackageOptions } from '../../packages/options.js';
import { PackageLoader, pinnedSpecifier } from '../../packages/package-loader.js';
import { isPackageSpecifier, parseSpecifier, type PackageSpecifier } from '../../packages/specifier.js';
import { parseCommandArgs } from '../args.js';
import { CliError, type CliIo, type Command } from '../command.js';
import { checkPlugin } from './check.js';
import { EXIT } from '../exit-codes.js';
import { packageFlags, packageFlagsUsage, packageOptionsFromFlags } from '../package-flags.js';
import { formatBytes, ProgressBar } from '../progress-bar.js';

const usage = `Usage: paddock add <specifier>... [options]

Resolve npm: or jsr: plugins, install them into the package cache, record them in
paddock.lock (next to the config) and add them to the config's "plugins".

Options:
  --config <file>        the config to add them to (default: ./paddock.json, created if missing)
${packageFlagsUsage}
  --no-save              install and lock, but leave the config as it is

Examples:
  paddock add npm:@acme/greeter                 # locked and added as npm:@acme/greeter@^<latest>
  paddock add jsr:@acme/tools@^1 --config host/paddock.json
  PADDOCK_CACHE_DIR=/var/cache/paddock paddock add npm:left-pad-plugin@2
`;

const FORMAT: FormattingOptions = { insertSpaces: true, tabSize: 2, eol: '\n' };

/** Put `url` into the config's plugins: replace the entry of the same package, else append one. */
async function saveToConfig(configPath: string, spec: PackageSpecifier, url: string): Promise<'added' | 'updated' | 'unchanged'> {
  if (!existsSync(configPath)) {
    await writeFile(configPath, `${JSON.stringify({ plugins: [{ url }] }, null, 2)}\n`);
    return 'added';
  }
  const { config } = await readConfigFile(configPath);
  const text = await readFile(configPath, 'utf8');
  const index = config.plugins.findIndex((entry) => {
    if (!isModuleEntry(entry) || !isPackageSpecifier(entry.url)) return false;
    try {
      const other = parseSpecifier(entry.url);
      return other.scheme === spec.scheme && other.name === spec.name && other.subpath === spec.subpath;
    } catch {
      // A malformed specifier in the config is not "the same package"; loading it will say what is wrong.
      return false;
    }
  });
  const found = config.plugins[index];
  if (found && isModuleEntry(found) && found.url === url) return 'unchanged';
  const edits = index >= 0
    ? modify(text, ['plugins', index, 'url'], url, { formattingOptions: FORMAT })
    : modify(text, ['plugins', config.plugins.length], { url }, { formattingOptions: FORMAT, isArrayInsertion: true });
  await writeFile(configPath, applyEdits(text, edits));
  return index >= 0 ? 'updated' : 'added';
}

/**
 * Load the package the way `paddock check` does (in a sandboxed worker, from the cache
 * just filled, no network) and refuse it when it exports no plugin class: a config entry
 * for a library would only fail at the next run. Other failures (options it needs, its
 * validate()) are the entry's business and do not stop the add.
 */
async function assertIsPlugin(url: string, baseDir: string, packages: PackageOptions, io: CliIo): Promise<void> {
  io.stderr.write(`check ${url}: loading it in a sandboxed worker\n`);
  const report = await checkPlugin(url, { scopes: [], baseDir, packages: { ...packages, frozen: true } });
  if (report.error?.code === 'PADDOCK_ERR_NO_PLUGIN_CLASS') {
    throw new CliError(`${url} is not a Paddock plugin: ${report.error.message}; the config is unchanged`, EXIT.failed);
  }
}

const FLAGS = {
  config: { type: 'string' },
  'no-save': { type: 'boolean' },
  ...packageFlags,
} as const;


async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseCommandArgs(args, FLAGS) as { values: { config?: string; 'no-save'?: boolean; 'cache-dir'?: string; registry?: string; 'jsr-registry'?: string }; positionals: string[] };
  if (!positionals.length) throw new CliError('give at least one npm: or jsr: specifier (run "paddock add --help")', 2);
  const notPackages = positionals.filter((p) => !isPackageSpecifier(p));
  if (notPackages.length) throw new CliError(`${notPackages.map((p) => JSON.stringify(p)).join(', ')}: paddock add takes npm: or jsr: specifiers`, 2);
  const specs = positionals.map((p) => parseSpecifier(p));

  // Fail fast offline: a registry that does not answer within 10 s is not going to; one
  // retry covers a dropped connection (the runtime's defaults wait up to 30 s, 3 tries).
  const options = packageOptionsSchema.parse({ fetchTimeoutMs: 10_000, fetchRetries: 1, ...packageOptionsFromFlags(values) });
  const configPath = resolve(values.config ?? 'paddock.json');
  const baseDir = dirname(configPath);
  // Validate an existing config before installing anything into it.
  if (existsSync(configPath)) await readConfigFile(configPath);
  const logger = createLogger({ level: 'warn', pretty: true, destination: io.stderr, name: 'paddock add' });
  const loader = new PackageLoader(resolvePackageOptions(options), logger);
  const lockfile = relative(process.cwd(), resolve(baseDir, LOCKFILE_NAME)) || LOCKFILE_NAME;

  for (const spec of specs) {
    const bar = new ProgressBar(io.stderr);
    const context = { baseDir, onProgress: bar.update };
    const resolved = await loader.resolveWith(spec.raw, context, { refresh: true, repair: true, pinRange: true });
    const withImports = await loader.prepareImports(resolved, context, { repair: true });
    const imports = Object.keys(withImports.packageImports ?? {});
    const { installed } = resolved;
    const totals = bar.totals();
    // The lock's tree, not the progress: a repeated add downloads nothing but the tree is the same.
    const treeSize = Object.keys(installed.locked.tree).length;
    bar.finish(`installed ${installed.name}@${installed.version}: ${treeSize} package${treeSize === 1 ? '' : 's'} in the tree, ` +
      `${formatBytes(totals.bytes)} downloaded${imports.length ? `, and its imports ${imports.join(', ')}` : ''}`);
    const url = pinnedSpecifier(spec, installed.version);
    await assertIsPlugin(url, baseDir, options, io);
    const saved = values['no-save'] ? 'not saved' : await saveToConfig(configPath, spec, url);
    io.stdout.write(`${url} → ${installed.name}@${installed.version} (${installed.locked.integrity.slice(0, 20)}…) ` +
      `locked in ${lockfile}; config ${relative(process.cwd(), configPath) || configPath}: ${saved}\n`);
  }
  return 0;
}

export const addCommand: Command = {
  name: 'add',
  summary: 'install npm:/jsr: plugins into the cache, lock them in paddock.lock and add them to the config',
  usage,
  examples: ['paddock add jsr:@scope/memory-watch@^1 --config paddock.json'],
  run,
};
