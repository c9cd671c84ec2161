import { z } from 'zod';
import { configSchema, pluginEntrySchema } from './schema.js';

/** JSON Schema (draft 2020-12) of the config file, for editors and other tools. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, {
      io: 'input',
      unrepresentable: 'any',
      override: (ctx) => {
        // The zod refinement (checkEntryModel) does not reach JSON Schema: say it here.
        if (ctx.zodSchema === pluginEntrySchema) ctx.jsonSchema.oneOf = [{ required: ['url'] }, { required: ['exec'] }];
      },
    }),
    title: 'Paddock config',
  };
}
