/**
 * Every ```json and ```jsonc block in README.md and docs/ parses as written, and the ones
 * that are configs validate against the schema they are written for: a Paddock config
 * (`plugins`), a process host's pup.json (`processes`), or one plugin entry (`url` or
 * `exec`). Other JSON (package.json, deno.json, a lockfile, a wire message) only has to parse.
 * An excerpt (`<!-- from <file> -->`) is checked as its whole file; a block that is one
 * property of an entry (`"permissions": { … }`) as an entry with that property.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers.js';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import { configSchema } from '../../runtime/config/schema.js';
import { processHostConfigSchema } from '../../runtime/pup/config.js';
import { codeBlocks, markdownFiles } from '../support/markdown.js';

const blocks = markdownFiles().flatMap(codeBlocks).filter((block) => block.lang === 'json' || block.lang === 'jsonc');

test('the JSON blocks of the docs parse, and the configs among them validate', () => {
  assert.ok(blocks.length >= 5, `found ${blocks.length} JSON blocks`);
  let configs = 0;
  const problems: string[] = [];
  for (const block of blocks) {
    if (block.fragment) continue;
    const where = `${block.file}:${block.line}`;
    const text = block.from ? readFileSync(join(repoRoot, block.from), 'utf8')
      : /^\s*"[\w-]+"\s*:/.test(block.code) ? `{ "url": "./plugin.js", ${block.code} }` : block.code;
    const errors: ParseError[] = [];
    const value = parse(text, errors, { allowTrailingComma: true }) as Record<string, unknown> | undefined;
    if (errors.length) {
      problems.push(`${where}: ${errors.map((e) => printParseErrorCode(e.error)).join(', ')}`);
      continue;
    }
    if (typeof value !== 'object' || value === null || Array.isArray(value)) continue;
    const schema = 'processes' in value ? processHostConfigSchema
      : 'plugins' in value ? configSchema
        : ('url' in value || 'exec' in value) && !('name' in value) ? undefined : null;
    if (schema === null) continue;
    configs++;
    const checked = schema === undefined ? configSchema.safeParse({ plugins: [value] }) : schema.safeParse(value);
    if (!checked.success) problems.push(`${where}: ${checked.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ')}`);
  }
  assert.deepEqual(problems, []);
  assert.ok(configs >= 3, `found ${configs} configs among the JSON blocks`);
});
