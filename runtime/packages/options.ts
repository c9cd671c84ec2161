/**
 * Options of the package loader (`packages` in the PluginRuntime options), defined once
 * with zod. The cache directory comes from the code, else `PADDOCK_CACHE_DIR`, else a
 * per-user default (`~/.cache/paddock` and the platform's equivalents).
 */
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const httpUrl = (what: string) => z.string()
  .refine((value) => URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol), `expected an http(s) URL of ${what}`)
  .transform((value) => (value.endsWith('/') ? value : `${value}/`));

export const DEFAULT_NPM_REGISTRY = 'https://registry.npmjs.org/';
export const DEFAULT_JSR_REGISTRY = 'https://npm.jsr.io/';

export const packageOptionsSchema = z.object({
  /** npm registry for `npm:` specifiers. */
  registry: httpUrl('an npm registry').default(DEFAULT_NPM_REGISTRY),
  /** JSR's npm compatibility registry, serving `@jsr/scope__name` for `jsr:@scope/name`. */
  jsrRegistry: httpUrl('a JSR npm registry').default(DEFAULT_JSR_REGISTRY),
  /** Content-addressed cache shared by every plugin and run (default: PADDOCK_CACHE_DIR or a per-user folder). */
  cacheDir: z.string().min(1).optional(),
  /** The lockfile: a path, or false for none (default: paddock.lock next to the config file). */
  lockfile: z.union([z.string().min(1), z.literal(false)]).optional(),
  /** Load only what the lockfile and the cache hold; never touch the network. */
  frozen: z.boolean().default(false),
  /** Name of the environment variable holding the npm registry's auth token. */
  tokenEnv: z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'expected an environment variable name').default('NPM_TOKEN'),
  /** Retries of a registry request that failed with a network error or a 5xx answer. */
  fetchRetries: z.number().int().min(0).max(10).default(2),
  /** First retry delay; each further retry waits twice as long (at most 4×). */
  fetchRetryDelayMs: z.number().int().min(0).max(60_000).default(500),
  /** Deadline of one registry request. */
  fetchTimeoutMs: z.number().int().positive().max(600_000).default(30_000),
}).strict().refine((o) => !(o.frozen && o.lockfile === false), {
  message: 'frozen needs a lockfile (lockfile is false)',
  path: ['frozen'],
});

export type PackageOptions = z.input<typeof packageOptionsSchema>;

export interface ResolvedPackageOptions extends Omit<z.output<typeof packageOptionsSchema>, 'cacheDir'> {
  cacheDir: string;
}

/** Where the cache lives when neither the code nor PADDOCK_CACHE_DIR says. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform): string {
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(homedir(), 'AppData', 'Local'), 'paddock', 'Cache');
  if (platform === 'darwin') return join(homedir(), 'Library', 'Caches', 'paddock');
  return join(env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'paddock');
}

export function resolveCacheDir(fromCode: string | undefined, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(fromCode ?? (env.PADDOCK_CACHE_DIR || defaultCacheDir(env)));
}

/** Fill defaults from an already validated options object (see runtime/options.ts). */
export function resolvePackageOptions(options: z.output<typeof packageOptionsSchema>): ResolvedPackageOptions {
  return { ...options, cacheDir: resolveCacheDir(options.cacheDir) };
}
