/**
 * `--host <module>` for `check` and `run`: the user's own host API instead of the Pup
 * profile's. The module exports what the host passes to `new PluginRuntime(...)`:
 * `api` (methods made with defineMethod), `events` (made with defineEvent) and optionally
 * `apiVersion` and `defaultScopes`, as named exports or as one default export object.
 * It is imported with `import()`, so an ESM or a CommonJS module works.
 */
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { EventDefinition, HostApiDefinition } from '../api/define.js';
import { CliError } from './command.js';
import { EXIT } from './exit-codes.js';

export interface HostModule {
  api: HostApiDefinition;
  events: Record<string, EventDefinition>;
  apiVersion?: string;
  defaultScopes?: string[];
}

const hostModuleSchema = z.object({
  api: z.record(z.string(), z.unknown()).optional(),
  events: z.record(z.string(), z.unknown()).optional(),
  apiVersion: z.string().optional(),
  defaultScopes: z.array(z.string()).optional(),
});

function describeExports(exports: Record<string, unknown>): string {
  return Object.keys(exports).map((k) => `${k} (${typeof exports[k]})`).join(', ') || 'nothing';
}

export async function loadHostModule(path: string): Promise<HostModule> {
  let exports: Record<string, unknown>;
  try {
    exports = await import(pathToFileURL(resolve(path)).href) as Record<string, unknown>;
  } catch (error) {
    throw new CliError(`--host ${path} could not be imported: ${(error as Error).message.split('\n')[0]}`, EXIT.failed);
  }
  // A default export object (or CommonJS module.exports) that holds them counts too.
  const source = 'api' in exports || 'events' in exports ? exports : (exports.default ?? {}) as Record<string, unknown>;
  if (typeof source !== 'object' || source === null || !('api' in source || 'events' in source)) {
    throw new CliError(`--host ${path} exports no "api" or "events" (found exports ${describeExports(exports)})`, EXIT.config);
  }
  const parsed = hostModuleSchema.safeParse(source);
  if (!parsed.success) {
    throw new CliError(`--host ${path}: ${parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`, EXIT.config);
  }
  const { api, events, apiVersion, defaultScopes } = parsed.data;
  return {
    api: (api ?? {}) as HostApiDefinition,
    events: (events ?? {}) as Record<string, EventDefinition>,
    ...(apiVersion !== undefined ? { apiVersion } : {}),
    ...(defaultScopes !== undefined ? { defaultScopes } : {}),
  };
}

export const hostFlag = { host: { type: 'string' } } as const;
export const hostFlagUsage = '  --host <module>        check against your own host API: a module exporting api and events (defineMethod, defineEvent)';
