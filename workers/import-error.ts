/**
 * A plugin that fails to import should be told where: the file and line. V8 keeps the
 * position of an ESM syntax error out of the error object (Node prints it from a hidden
 * field only for uncaught errors), so for those we parse the entry file again to find it.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);

/** Position of a syntax error in `file`, as "file:line:column", if the file has one. */
function locateSyntaxError(file: string): string | undefined {
  let source: string;
  try {
    source = readFileSync(file, 'utf8');
  } catch {
    // Unreadable here means we cannot say more than the original error did.
    return undefined;
  }
  const { transform } = require('sucrase') as typeof import('sucrase');
  try {
    transform(source, { transforms: /\.(c|m)?ts$/.test(file) ? ['typescript'] : [], filePath: file });
    return undefined;
  } catch (error) {
    const match = /\((\d+):(\d+)\)\s*$/.exec((error as Error).message);
    return match ? `${file}:${match[1]}:${match[2]}` : undefined;
  }
}

/** The first stack frame inside plugin code (not node: internals, not the runtime). */
function firstPluginFrame(stack: string | undefined): string | undefined {
  // With source maps on, runtime frames show either dist/ paths or the .ts sources.
  const root = fileURLToPath(new URL('../../', import.meta.url));
  const runtimeDirs = ['dist', 'workers', 'sdk', 'runtime', 'node_modules'].map((d) => `${root}${d}/`);
  for (const line of (stack ?? '').split('\n').slice(1)) {
    const frame = line.trim();
    if (frame.includes('node:') || runtimeDirs.some((dir) => frame.includes(dir))) continue;
    if (frame.startsWith('at ')) return frame;
  }
  return undefined;
}

export function describeImportError(error: unknown, moduleUrl: string): string {
  if (!(error instanceof Error)) return String(error);
  const head = `${error.name}: ${error.message}`;
  if (error.name === 'SyntaxError') {
    if (/:\d+:\d+\)?$/.test(error.message)) return head;
    const where = moduleUrl.startsWith('file:') ? locateSyntaxError(fileURLToPath(moduleUrl)) : undefined;
    return where ? `${head} (${where})` : `${head} (in a module the plugin imports)`;
  }
  const frame = firstPluginFrame(error.stack);
  return frame ? `${head}\n    ${frame}` : head;
}
