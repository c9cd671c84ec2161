/**
 * Options of a PluginRuntime, defined once: defaults filled, result frozen. Entry
 * limits fall back to `limits` here, which fall back to DEFAULT_LIMITS.
 */
import { join } from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import type { Logger } from 'pino';
import { paddockError } from '../sdk/errors.js';
import type { AnyMethod, EventDefinition } from './api/define.js';
import { BUILTIN_SCOPES } from './api/builtins.js';
import { limitsSchema, type Limits } from './config/schema.js';
import { formatIssues } from './config/format-issues.js';
import { packageOptionsSchema, resolvePackageOptions, type ResolvedPackageOptions } from './packages/options.js';
import { ALL_PERMISSIONS, normalizePermissions } from './permissions/effective.js';
import { permissionsSchema } from './permissions/schema.js';
import type { PermissionGrant } from '../sdk/kernel/sandbox-data.js';

export interface ResolvedLimits {
  maxOldGenerationSizeMb: number | undefined;
  maxYoungGenerationSizeMb: number | undefined;
  stackSizeMb: number | undefined;
  callTimeoutMs: number;
  startTimeoutMs: number;
  stopTimeoutMs: number;
  blockTimeoutMs: number;
  maxRestarts: number;
  restartBackoffMs: number;
  maxRestartBackoffMs: number;
  stableAfterMs: number;
  eventQueueLimit: number;
  maxConcurrentCalls: number;
  maxExternalMemoryMb: number;
}

export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = {
  maxOldGenerationSizeMb: 256,
  maxYoungGenerationSizeMb: undefined,
  stackSizeMb: undefined,
  callTimeoutMs: 30_000,
  startTimeoutMs: 15_000,
  stopTimeoutMs: 5_000,
  blockTimeoutMs: 10_000,
  maxRestarts: 5,
  restartBackoffMs: 500,
  maxRestartBackoffMs: 30_000,
  stableAfterMs: 60_000,
  eventQueueLimit: 10_000,
  maxConcurrentCalls: 1_000,
  maxExternalMemoryMb: 1_024,
};

const isLogger = (value: unknown): value is Logger =>
  typeof value === 'object' && value !== null && typeof (value as Logger).child === 'function' && typeof (value as Logger).info === 'function';

const methodSchema = z.object({
  scope: z.string().min(1),
  params: z.custom<z.ZodTuple>((v) => v instanceof z.ZodTuple, 'expected a zod tuple (z.tuple([...]))'),
  description: z.string().optional(),
  handler: z.custom<AnyMethod['handler']>((v) => typeof v === 'function', 'expected a function'),
});

export const runtimeOptionsSchema = z.object({
  /** Version of the API this host offers; plugins declare a compatible semver range in meta.api. */
  apiVersion: z.string().refine((v) => semver.valid(v) !== null, 'expected a semver version such as "1.2.0"').default('1.0.0'),
  /** Host methods plugins may call, besides the built-in log, logs, publish and leave. */
  api: z.record(z.string().regex(/^[A-Za-z_$][\w$]*$/, 'expected an identifier'), methodSchema).default({}),
  /** Host events that need a scope to subscribe to (events not listed are open to all). */
  events: z.record(z.string().min(1), z.object({ scope: z.string().min(1).optional(), description: z.string().optional() }).strict()).default({}),
  /** Scopes every plugin gets; an entry's `scopes` add to these. */
  defaultScopes: z.array(z.string().min(1)).default([...BUILTIN_SCOPES]),
  logger: z.custom<Logger>(isLogger, 'expected a pino logger').optional(),
  logLevel: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  prettyLogs: z.boolean().default(false),
  /** Where relative plugin urls given to load() are resolved from. */
  baseDir: z.string().default(() => process.cwd()),
  /** Parent of the plugins' private data directories (default: <baseDir>/.paddock/data). */
  dataDir: z.string().optional(),
  tokenLifeMs: z.number().int().min(50).default(300_000),
  tokenRenewBeforeMs: z.number().int().min(10).default(10_000),
  limits: limitsSchema.default({}),
  /** Booted workers kept ready for plugins with default limits. */
  spareWorkers: z.number().int().min(0).max(64).default(0),
  /**
   * Where worker-tier plugins' threads run: `in-process` (in this process) or
   * `plugin-host` (in a supervised child process, so a V8 fatal error in a plugin thread
   * costs that process a restart, never this one; see docs/plugin-host.md). Warm spares
   * apply to `in-process` only.
   */
  workerHost: z.enum(['in-process', 'plugin-host']).default('in-process'),
  logStoreSize: z.number().int().min(1).default(10_000),
  /** Loading npm:/jsr: plugins: registries, cache, lockfile, frozen mode (see docs/packages.md). */
  packages: packageOptionsSchema.prefault({}),
  /** The most any plugin may get (the ceiling its entry's permissions are intersected with); default: no ceiling. */
  maxPermissions: permissionsSchema.optional(),
}).strict().refine((o) => o.tokenRenewBeforeMs < o.tokenLifeMs, { message: 'tokenRenewBeforeMs must be less than tokenLifeMs', path: ['tokenRenewBeforeMs'] });

export type RuntimeOptions = z.input<typeof runtimeOptionsSchema>;

export interface ResolvedOptions extends Omit<z.output<typeof runtimeOptionsSchema>, 'limits' | 'api' | 'events' | 'dataDir' | 'packages' | 'maxPermissions'> {
  limits: ResolvedLimits;
  packages: ResolvedPackageOptions;
  /** The ceiling, normalized (relative paths from baseDir). */
  maxPermissions: PermissionGrant;
  api: ReadonlyMap<string, AnyMethod>;
  events: ReadonlyMap<string, EventDefinition>;
  dataDir: string;
}

export function resolveLimits(base: ResolvedLimits, override: Limits | undefined): ResolvedLimits {
  const out = { ...base };
  if (override) for (const [key, value] of Object.entries(override)) if (value !== undefined) (out as Record<string, unknown>)[key] = value;
  return out;
}

export function resolveOptions(input: RuntimeOptions = {}): Readonly<ResolvedOptions> {
  const parsed = runtimeOptionsSchema.safeParse(input);
  if (!parsed.success) throw paddockError('PADDOCK_ERR_OPTIONS_INVALID', { what: 'PluginRuntime options', problems: formatIssues(parsed.error) });
  const o = parsed.data;
  return Object.freeze({
    ...o,
    limits: resolveLimits({ ...DEFAULT_LIMITS }, o.limits),
    api: new Map(Object.entries(o.api)),
    events: new Map(Object.entries(o.events)),
    dataDir: o.dataDir ?? join(o.baseDir, '.paddock', 'data'),
    packages: resolvePackageOptions(o.packages),
    maxPermissions: o.maxPermissions ? normalizePermissions(o.maxPermissions, o.baseDir) : ALL_PERMISSIONS,
  });
}
