/**
 * The config file and plugin entries, defined once as zod schemas: the types are
 * inferred from them, the JSON Schema in schema/ is generated from them
 * (`npm run schema`), and every error names its path (`plugins[2].url`).
 */
import { z } from 'zod';
import { isolationSchema, permissionsSchema } from '../permissions/schema.js';
import { checkEntryModel, collectorSchema, execEntryFields, poolSchema } from './entry-models.js';

export const PLUGIN_ID_PATTERN = /^[a-z0-9][a-z0-9._-]{0,63}$/i;

const positiveMs = (description: string) => z.number().int().positive().max(86_400_000).describe(description);

/** Per-plugin resource limits and deadlines; anything left out takes the runtime's default. */
export const limitsSchema = z.object({
  maxOldGenerationSizeMb: z.number().int().min(4).max(65_536).optional()
    .describe('V8 old-generation heap limit of the plugin worker, in MB'),
  maxYoungGenerationSizeMb: z.number().int().min(1).max(4_096).optional()
    .describe('V8 young-generation heap limit of the plugin worker, in MB'),
  stackSizeMb: z.number().min(0.25).max(64).optional().describe('Stack size of the plugin worker, in MB'),
  callTimeoutMs: positiveMs('Deadline of each call between host and plugin').optional(),
  startTimeoutMs: positiveMs('Deadline for importing and constructing the plugin').optional(),
  stopTimeoutMs: positiveMs('Deadline for cleanup() before the worker is terminated').optional(),
  blockTimeoutMs: positiveMs('How long the plugin event loop may stay blocked before it is restarted').optional(),
  maxRestarts: z.number().int().min(0).max(1000).optional()
    .describe('Consecutive crashes allowed before the plugin is marked failed'),
  restartBackoffMs: positiveMs('First restart delay; doubles with each consecutive crash').optional(),
  maxRestartBackoffMs: positiveMs('Upper bound of the restart delay').optional(),
  stableAfterMs: positiveMs('Running this long resets the crash count').optional(),
  eventQueueLimit: z.number().int().min(1).max(10_000_000).optional()
    .describe('Events queued for the plugin and not yet handled before the oldest are dropped'),
  maxConcurrentCalls: z.number().int().min(1).max(1_000_000).optional()
    .describe('Calls in flight at once, in each direction, before more are refused'),
  maxExternalMemoryMb: z.number().int().min(1).max(1_048_576).optional()
    .describe('Memory outside the V8 heap (ArrayBuffers, Buffers) the plugin may hold before it is stopped, in MB'),
}).strict();

export type Limits = z.infer<typeof limitsSchema>;

const urlSchema = z.string()
  .min(1, 'expected a plugin url such as "file:///abs/plugin.ts", "./plugin.js", "npm:pkg@1" or "jsr:@scope/pkg@1"')
  .describe('Where the plugin comes from: file: URL, path relative to the config file, npm: or jsr: specifier');

export const pluginEntrySchema = z.object({
  url: urlSchema.optional(),
  id: z.string().regex(PLUGIN_ID_PATTERN, 'expected letters, digits, ".", "_" or "-" (at most 64, starting with a letter or digit)')
    .optional().describe('Id of the plugin in this host (default: derived from the url)'),
  options: z.record(z.string(), z.unknown()).optional().describe('Passed to the plugin (constructor config.options and configure())'),
  scopes: z.array(z.string().min(1)).optional()
    .describe('Host API scopes granted to the plugin, in addition to the host defaults'),
  limits: limitsSchema.optional(),
  enabled: z.boolean().optional().describe('Set false to keep the entry but not load it'),
  permissions: permissionsSchema.optional(),
  isolation: isolationSchema.optional(),
  // The other plugin models (runtime/config/entry-models.ts): tasks, collectors, external executables.
  pool: poolSchema.optional(),
  collector: collectorSchema.optional(),
  ...execEntryFields,
}).strict().superRefine(checkEntryModel);

export type PluginEntry = z.infer<typeof pluginEntrySchema>;
export type PluginEntryInput = z.input<typeof pluginEntrySchema>;

export const configSchema = z.object({
  $schema: z.string().optional(),
  plugins: z.array(pluginEntrySchema).describe('The plugins to load'),
}).strict();

export type PaddockConfig = z.infer<typeof configSchema>;
