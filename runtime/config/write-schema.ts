/**
 * Writes schema/paddock.config.schema.json from the zod schema (`npm run schema`).
 * test/internals/config-schema.test.ts fails when the committed file is stale.
 */
import { writeFileSync, mkdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { configJsonSchema } from './json-schema.js';

const target = fileURLToPath(new URL('../../../schema/paddock.config.schema.json', import.meta.url));
mkdirSync(fileURLToPath(new URL('../../../schema/', import.meta.url)), { recursive: true });
writeFileSync(target, `${JSON.stringify(configJsonSchema(), null, 2)}\n`);
process.stdout.write(`wrote schema/paddock.config.schema.json\n`);
