/**
 * Options of a PluginRuntime, defined once: defaults filled, result frozen. Entry
 * limits fall back to `limits` here, whose defaults are resolvedLimitsSchema's.
 */
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import semver from 'semver';
import { z } from 'zod';
import type { Logger } from 'pino';
import { paddockError } from '../sdk/errors.js';
import type { AnyMethod, EventDefinition } from './api/define.js';
import { BUILTIN_SCOPES } from './api/builtins.js';
import { resolvedLimitsSchema, type Limits, type ResolvedLimits } from './config/schema.js';
import { capsSchema } from './limits/caps.js';
import { formatIssues } from './config/format-issues.js';
import { packageOptionsSchema, resolvePackageOptions, type ResolvedPackageOptions } from './packages/options.js';
import { ALL_PERMISSIONS, normalizePermissions } from './permissions/effective.js';
import { permissionsSchema } from './permissions/schema.js';
import type { PermissionGrant } from '../sdk/kernel/sandbox-data.js';

export type { ResolvedLimits };

/** The limits a plugin gets when neither the host nor its entry says otherwise (written in resolvedLimitsSchema). */
export const DEFAULT_LIMITS: Readonly<ResolvedLimits> = Object.freeze(resolvedLimitsSchema.parse({}));

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
  /**
   * Parent of the plugins' private data directories (default: <baseDir>/.paddock/data).
   * It may sit inside a plugin's code folder: no default folder opens it (each plugin
   * sees its own data folder only), only a grant that names it does.
   */
  dataDir: z.string().optional(),
  /** More paths no default folder opens (like the data root): a config file, secrets next to the plugins. Relative to baseDir. */
  hiddenPaths: z.array(z.string().min(1)).default([]),
  /**
   * Process-isolated plugins run behind the OS wall (bubblewrap, Linux). Without it they
   * run with Node's permission model and the gates only, and a warning; true refuses
   * to start them instead (PADDOCK_ERR_OS_SANDBOX_UNAVAILABLE).
   */
  requireOsSandbox: z.boolean().default(false),
  /** The bubblewrap program: a name looked up on PATH or a path (default: $PADDOCK_BWRAP, else "bwrap"). */
  bwrapPath: z.string().min(1).default(() => process.env.PADDOCK_BWRAP || 'bwrap'),
  tokenLifeMs: z.number().int().min(50).default(300_000),
  tokenRenewBeforeMs: z.number().int().min(10).default(10_000),
  limits: resolvedLimitsSchema.prefault({}),
  /**
   * How long a terminated plugin may take to go away before it is marked `unresponsive`
   * and abandoned (a worker thread blocked in a system call cannot be stopped).
   */
  terminateTimeoutMs: z.number().int().min(10).default(2_000),
  /** close() stops every plugin concurrently and resolves by this deadline, whatever they do. */
  closeTimeoutMs: z.number().int().min(10).default(15_000),
  /** Byte and count caps on what each plugin sends the host (runtime/limits/caps.ts). */
  caps: capsSchema.prefault({}),
  /** Plugins starting (thread or process boot, import, construct) at once; more wait their turn. */
  maxConcurrentStarts: z.number().int().min(1).default(() => availableParallelism()),
  /** Booted workers kept ready for plugins with default limits. */
  spareWorkers: z.number().int().min(0).max(64).default(0),
  /**
   * Where worker-tier plugins' threads run: `plugin-host` (the default: in a supervised
   * child process, so a V8 fatal error in a plugin thread, which Node cannot contain
   * inside a worker, costs that process a restart, never this one) or `in-process` (in
   * this process: faster calls and less memory, for plugins you trust not to exhaust
   * their heap). See docs/explanation/plugin-host.md. Warm spares apply to `in-process` only.
   */
  workerHost: z.enum(['in-process', 'plugin-host']).default('plugin-host'),
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
    limits: o.limits,
    api: new Map(Object.entries(o.api)),
    events: new Map(Object.entries(o.events)),
    dataDir: o.dataDir ?? join(o.baseDir, '.paddock', 'data'),
    hiddenPaths: o.hiddenPaths.map((p) => resolve(o.baseDir, p)),
    packages: resolvePackageOptions(o.packages),
    maxPermissions: o.maxPermissions ? normalizePermissions(o.maxPermissions, o.baseDir) : ALL_PERMISSIONS,
  });
}
