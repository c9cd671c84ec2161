import { z } from 'zod';
import { configSchema } from './schema.js';

/** JSON Schema (draft 2020-12) of the config file, for editors and other tools. */
export function configJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(configSchema, { io: 'input', unrepresentable: 'any' }),
    title: 'Paddock config',
  };
}
