/**
 * The config file and plugin entries, defined once as zod schemas: the types are
 * inferred from them, the JSON Schema in schema/ is generated from them
 * (`npm run schema`), and every error names its path (`plugins[2].url`).
 */
import { z } from 'zod';
import { isolationSchema, permissionsSchema } from '../permissions/schema.js';
import { BRANCH_KEY_MISSING } from './format-issues.js';
import { checkEntryKind, checkExecEntry, collectorSchema, execEntryFields, execSchema, poolSchema } from './entry-models.js';

export const PLUGIN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

const positiveMs = (description: string) => z.number().int().positive().max(86_400_000).describe(description);

/**
 * Resource limits and deadlines, with their defaults: the host's `limits` option
 * (runtime/options.ts), which an entry's `limits` override field by field.
 */
export const resolvedLimitsSchema = z.object({
  maxOldGenerationSizeMb: z.number().int().min(4).max(65_536)
    .describe('V8 old-generation heap limit of the plugin worker, in MB').default(256),
  maxYoungGenerationSizeMb: z.number().int().min(1).max(4_096)
    .describe('V8 young-generation heap limit of the plugin worker, in MB').optional(),
  stackSizeMb: z.number().min(0.25).max(64).describe('Stack size of the plugin worker, in MB').optional(),
  callTimeoutMs: positiveMs('Deadline of each call between host and plugin').default(30_000),
  startTimeoutMs: positiveMs('Deadline for importing and constructing the plugin').default(15_000),
  stopTimeoutMs: positiveMs('Deadline for cleanup() before the worker is terminated').default(5_000),
  blockTimeoutMs: positiveMs('How long the plugin event loop may stay blocked before it is restarted').default(10_000),
  maxRestarts: z.number().int().min(0).max(1000)
    .describe('Consecutive crashes allowed before the plugin is marked failed').default(5),
  restartBackoffMs: positiveMs('First restart delay; doubles with each consecutive crash').default(500),
  maxRestartBackoffMs: positiveMs('Upper bound of the restart delay').default(30_000),
  stableAfterMs: positiveMs('Running this long resets the crash count').default(60_000),
  eventQueueLimit: z.number().int().min(1).max(10_000_000)
    .describe('Events queued for the plugin and not yet handled before the oldest are dropped').default(10_000),
  maxConcurrentCalls: z.number().int().min(1).max(1_000_000)
    .describe('Calls in flight at once, in each direction, before more are refused').default(1_000),
  maxExternalMemoryMb: z.number().int().min(1).max(1_048_576)
    .describe('Memory outside the V8 heap (ArrayBuffers, Buffers) the plugin may hold before it is stopped, in MB; its nested workers count').default(1_024),
  maxNestedWorkers: z.number().int().min(0).max(64)
    .describe('Worker threads the plugin\'s code may run at once besides its own; a nested worker starts none').default(4),
}).strict();

export type ResolvedLimits = z.output<typeof resolvedLimitsSchema>;

type WithoutDefaults<S extends z.ZodRawShape> = {
  [K in keyof S]: S[K] extends z.ZodDefault<infer T extends z.ZodType> ? z.ZodOptional<T> : S[K];
};

/** The same fields, each optional and without its default (so a field left out falls back to the host's). */
function withoutDefaults<S extends z.ZodRawShape>(shape: S): WithoutDefaults<S> {
  return Object.fromEntries(Object.entries(shape).map(([key, field]) =>
    [key, field instanceof z.ZodDefault ? (field.unwrap() as z.ZodType).optional() : field])) as WithoutDefaults<S>;
}

/** Per-plugin resource limits and deadlines; anything left out takes the runtime's (see resolvedLimitsSchema). */
export const limitsSchema = z.object(withoutDefaults(resolvedLimitsSchema.shape)).strict().meta({ id: 'limits' });

export type Limits = z.infer<typeof limitsSchema>;

/**
 * The kind of an entry is chosen by its key, `url` or `exec`: a missing one is what the
 * other kind's branch of the union reports (formatIssues then shows the branch the entry chose).
 */
const kindKey = { error: (issue: { input?: unknown }) => issue.input === undefined ? BRANCH_KEY_MISSING : undefined };

const urlSchema = z.string(kindKey)
  .min(1, 'expected a plugin url such as "file:///abs/plugin.ts", "./plugin.js", "npm:pkg@1" or "jsr:@scope/pkg@1"')
  .describe('Where the plugin comes from: file: URL, path relative to the config file, npm: or jsr: specifier');

/** Fields every entry has, whatever runs the plugin (the `id`s name them once in the JSON Schema's $defs). */
const commonEntryFields = {
  id: z.string().regex(PLUGIN_ID_PATTERN, 'expected letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)')
    .optional().describe('Id of the plugin in this host (default: derived from the url)'),
  options: z.record(z.string(), z.unknown()).optional().describe('Passed to the plugin (constructor config.options and configure())'),
  scopes: z.array(z.string().min(1)).optional()
    .describe('Host API scopes granted to the plugin, in addition to the host defaults'),
  limits: limitsSchema.optional(),
  enabled: z.boolean().optional().describe('Set false to keep the entry but not load it'),
  permissions: permissionsSchema.meta({ id: 'permissions' }).optional(),
  isolation: isolationSchema.optional(),
  collector: collectorSchema.meta({ id: 'collector' }).prefault({}),
};

/** A plugin module (`url`), run in a worker thread or a child process, its tasks in a pool. */
export const moduleEntrySchema = z.object({
  url: urlSchema,
  ...commonEntryFields,
  pool: poolSchema.prefault({}),
}).strict();

/** An external executable (`exec`), Stash / Digital Rebar style (runtime/external/). */
export const execEntrySchema = z.object({
  exec: execSchema(kindKey),
  ...commonEntryFields,
  ...execEntryFields,
}).strict().superRefine(checkExecEntry);

export type ModuleEntry = z.infer<typeof moduleEntrySchema>;
export type ExecEntry = z.infer<typeof execEntrySchema>;

/** A plugin entry: a module or an executable, told apart by `url` or `exec` (see checkEntryKind). */
export const pluginEntrySchema = z.preprocess(checkEntryKind, z.union([moduleEntrySchema, execEntrySchema]));

/** An entry as parsed: its kind's fields typed, defaults filled. */
export type PluginEntry = ModuleEntry | ExecEntry;
/** An entry as written (the preprocess step hides the union's input type from zod). */
export type PluginEntryInput = z.input<typeof moduleEntrySchema> | z.input<typeof execEntrySchema>;

/** The fields of an exec entry the runtime runs it by (runtime/external/). */
export type ExecFields = Pick<ExecEntry, 'exec' | 'interface' | 'dir' | 'errLog' | 'env' | 'meta' | 'tasks'>;

export function isModuleEntry(entry: PluginEntry): entry is ModuleEntry {
  return 'url' in entry;
}

export const configSchema = z.object({
  $schema: z.string().optional(),
  plugins: z.array(pluginEntrySchema).describe('The plugins to load'),
}).strict();

/** A config as written (what loadConfig takes). */
export interface PaddockConfig {
  $schema?: string | undefined;
  plugins: PluginEntryInput[];
}
/** A config as parsed: entries typed, defaults filled. */
export type ParsedConfig = z.output<typeof configSchema>;
