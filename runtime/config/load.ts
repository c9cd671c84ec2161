/**
 * Reading a config: a JSON or JSONC file (comments and trailing commas allowed) or an
 * object, validated against a zod schema. Relative plugin urls are resolved later,
 * against the directory of the file (`baseDir`).
 */
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { parse, printParseErrorCode, type ParseError } from 'jsonc-parser';
import type { z } from 'zod';
import { paddockError } from '../../sdk/errors.js';
import { configSchema, type ParsedConfig } from './schema.js';
import { formatIssues } from './format-issues.js';

export interface LoadedConfig<T = ParsedConfig> {
  config: T;
  /** Directory relative plugin urls are resolved against. */
  baseDir: string;
  /** The file it came from, when it came from a file. */
  file?: string;
}

function lineAndColumn(text: string, offset: number): string {
  let line = 1;
  let column = 1;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text[i] === '\n') {
      line++;
      column = 1;
    } else {
      column++;
    }
  }
  return `${line}:${column}`;
}

/** Parse JSONC text; throws PADDOCK_ERR_CONFIG_PARSE with line:column of each problem. */
export function parseJsonc(text: string, source: string): unknown {
  const errors: ParseError[] = [];
  const value = parse(text, errors, { allowTrailingComma: true, disallowComments: false });
  if (errors.length) {
    const problems = errors
      .map((e) => `  - ${source}:${lineAndColumn(text, e.offset)}: ${printParseErrorCode(e.error)}`)
      .join('\n');
    throw paddockError('PADDOCK_ERR_CONFIG_PARSE', { source, problems });
  }
  return value;
}

/** Validate a config object; throws PADDOCK_ERR_CONFIG_INVALID listing every problem by path. */
export function validateConfig<S extends z.ZodType>(value: unknown, source: string, schema: S): z.infer<S> {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw paddockError('PADDOCK_ERR_CONFIG_INVALID', { source, problems: formatIssues(parsed.error) });
  return parsed.data;
}

export async function readConfigFile<S extends z.ZodType = typeof configSchema>(
  file: string,
  schema?: S,
): Promise<LoadedConfig<z.infer<S>>> {
  const path = resolve(file);
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    const reason = (error as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (error as Error).message;
    throw paddockError('PADDOCK_ERR_CONFIG_READ', { source: file, reason }, { cause: error });
  }
  const value = parseJsonc(text, file);
  return { config: validateConfig(value, file, (schema ?? configSchema) as S), baseDir: dirname(path), file: path };
}
