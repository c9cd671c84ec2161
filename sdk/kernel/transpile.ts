/**
 * The TypeScript transpile step: types stripped, no type check. The worker's loader runs it on
 * every .ts module a plugin imports (workers/loader/hooks.ts); the host runs it to scan a
 * package's imports before install (runtime/packages/import-scan.ts). One step for both, so
 * the host scans exactly what the worker will run.
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';

let sucrase: typeof import('sucrase') | undefined;
function transpiler(): typeof import('sucrase') {
  // Loaded on first use: a JavaScript plugin never pays for it.
  sucrase ??= createRequire(import.meta.url)('sucrase') as typeof import('sucrase');
  return sucrase;
}

/** Strip TypeScript types; the output keeps line numbers and carries an inline source map. */
export function transpileTypeScript(source: string, filename: string): string {
  let output: ReturnType<typeof import('sucrase').transform>;
  try {
    output = transpiler().transform(source, {
      transforms: ['typescript'],
      disableESTransforms: true,
      keepUnusedImports: false,
      filePath: filename,
      sourceMapOptions: { compiledFilename: filename },
    });
  } catch (error) {
    // Report it like V8 would, with the position in the .ts file, not sucrase's stack.
    const text = (error as Error).message.replace(/^Error transforming [^:]+: /, '');
    const match = /^(.*) \((\d+):(\d+)\)$/.exec(text);
    throw new SyntaxError(match ? `${match[1]} (${filename}:${match[2]}:${match[3]})` : `${text} (${filename})`);
  }
  const { code, sourceMap } = output;
  if (!sourceMap) return code;
  const map = { ...sourceMap, sources: [pathToFileURL(filename).href], sourcesContent: [source] };
  return `${code}\n//# sourceMappingURL=data:application/json;base64,${Buffer.from(JSON.stringify(map)).toString('base64')}\n`;
}
