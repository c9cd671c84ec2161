/**
 * The command-line flags for package loading, shared by the commands that install or
 * load npm:/jsr: plugins: `--cache-dir`, `--registry`, `--jsr-registry`, and `--frozen`
 * for commands that start a runtime. Values are checked with the same zod schema as the
 * `packages` option in code; a bad value is a usage error naming the flag.
 */
import { resolve } from 'node:path';
import { packageOptionsSchema, type PackageOptions } from '../packages/options.js';
import { CliError } from './command.js';

export const packageFlags = {
  'cache-dir': { type: 'string' },
  registry: { type: 'string' },
  'jsr-registry': { type: 'string' },
} as const;

export const frozenFlag = { frozen: { type: 'boolean' } } as const;

export const packageFlagsUsage = `  --cache-dir <dir>      the package cache (default: $PADDOCK_CACHE_DIR, else a per-user folder)
  --registry <url>       npm registry (default: https://registry.npmjs.org/; token from $NPM_TOKEN)
  --jsr-registry <url>   JSR's npm registry (default: https://npm.jsr.io/)`;

export const frozenFlagUsage = '  --frozen               load only what paddock.lock and the cache hold; no network';

const FLAG_OF: Record<string, string> = { cacheDir: '--cache-dir', registry: '--registry', jsrRegistry: '--jsr-registry', frozen: '--frozen' };

interface FlagValues {
  'cache-dir'?: string | undefined;
  registry?: string | undefined;
  'jsr-registry'?: string | undefined;
  frozen?: boolean | undefined;
}

/** The `packages` runtime options the flags ask for (validated; exit code 2 on a bad value). */
export function packageOptionsFromFlags(values: FlagValues): PackageOptions {
  const options: PackageOptions = {
    ...(values['cache-dir'] !== undefined ? { cacheDir: resolve(values['cache-dir']) } : {}),
    ...(values.registry !== undefined ? { registry: values.registry } : {}),
    ...(values['jsr-registry'] !== undefined ? { jsrRegistry: values['jsr-registry'] } : {}),
    ...(values.frozen !== undefined ? { frozen: values.frozen } : {}),
  };
  const parsed = packageOptionsSchema.safeParse(options);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((issue) => `${FLAG_OF[String(issue.path[0])] ?? String(issue.path[0])}: ${issue.message}`);
    throw new CliError(`invalid option ${problems.join('; ')}`, 2);
  }
  return options;
}
