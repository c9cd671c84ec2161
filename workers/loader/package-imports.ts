/**
 * `npm:` and `jsr:` specifiers inside plugin source (Deno style), in the worker.
 *
 * A worker cannot install packages while a module is being resolved, so the host does
 * it before the plugin starts: it scans the plugin's module graph, installs each
 * specifier it finds into the package cache, and sends a map with the plugin's boot data:
 *
 *   "npm:@acme/shout@^1/x"  →  { specifier: "@acme/shout/x", parentURL: "file:///…/installs/…/package.json" }
 *
 * The resolve hook then lets Node resolve the bare specifier as if it were imported from
 * the install's root, so the package's `exports`, conditions and its own dependencies
 * work exactly as in any node_modules tree.
 *
 *   host ──PluginBoot.packageImports──▶ worker main thread (bootstrap)
 *                                                   │ applyPackageImports(map)
 *                     Node ≥ 22.15: hooks in-thread ─┤─ addPackageImports(map) directly
 *                     Node 20: hooks on a loader    ─┘─ MessagePort ──▶ loader thread
 *                     thread, reached through the       (listenForPackageImports) ─ack─▶
 *                     port given to module.register
 *
 * The plugin module is imported only after the map is in place (the bootstrap exposes
 * the plugin control once applyPackageImports resolves).
 *
 * The plugin's import map (deno.json / package.json, sdk/kernel/import-map.ts) travels
 * the same way: bare specifiers map to npm:/jsr: specifiers (then resolved as above)
 * or to files.
 */
import type { MessagePort } from 'node:worker_threads';
import type { PackageImport } from '../../sdk/kernel/package-import-map.js';
import type { NextResolve, ResolveContext, ResolveResult } from './hook-types.js';
import { checkImportMap, type ImportMap } from '../../sdk/kernel/import-map.js';

const PACKAGE_SCHEME = /^(npm|jsr):/i;
const imports = new Map<string, PackageImport>();
let importMap: ImportMap | undefined;

/** The plugin's import map, once the host sent one. */
export function currentImportMap(): ImportMap | undefined {
  return importMap;
}

function isPackageImport(value: unknown): value is PackageImport {
  const v = value as PackageImport;
  return typeof v === 'object' && v !== null && typeof v.specifier === 'string' && v.specifier.length > 0
    && typeof v.parentURL === 'string' && v.parentURL.startsWith('file:');
}

/** Add entries to the map of the thread the hooks run in (and set the import map); malformed entries are refused. */
export function addPackageImports(map: unknown, plugImportMap?: unknown): void {
  if (plugImportMap !== undefined) importMap = checkImportMap(plugImportMap);
  if (map === undefined) return;
  if (typeof map !== 'object' || map === null) throw new TypeError('package imports must be an object');
  for (const [specifier, target] of Object.entries(map)) {
    if (!PACKAGE_SCHEME.test(specifier) || !isPackageImport(target)) {
      throw new TypeError(`package import ${JSON.stringify(specifier)} is malformed`);
    }
    imports.set(specifier, { specifier: target.specifier, parentURL: target.parentURL });
  }
}

/** The resolve step for npm:/jsr: specifiers; undefined for any other specifier. */
export function resolvePackageImport(specifier: string, context: ResolveContext, next: NextResolve): ResolveResult | Promise<ResolveResult> | undefined {
  if (!PACKAGE_SCHEME.test(specifier)) return undefined;
  const target = imports.get(specifier);
  if (!target) {
    const error = new Error(`${specifier} (imported by ${context.parentURL ?? 'the plugin'}) was not installed before the plugin started: ` +
      'the runtime installs the npm: and jsr: specifiers of static imports and of import() with a string literal');
    throw Object.assign(error, { code: 'ERR_PADDOCK_PACKAGE_NOT_INSTALLED' });
  }
  return next(target.specifier, { ...context, parentURL: target.parentURL });
}

/** Loader thread (Node 20): take maps from the worker's main thread and acknowledge each. */
export function listenForPackageImports(port: MessagePort): void {
  port.on('message', (message: { id: number; imports: unknown; importMap?: unknown }) => {
    try {
      addPackageImports(message.imports, message.importMap);
      port.postMessage({ id: message.id, ok: true });
    } catch (error) {
      port.postMessage({ id: message.id, ok: false, error: (error as Error).message });
    }
  });
  port.unref();
}

let loaderPort: MessagePort | undefined;
let nextId = 0;

/** Main thread (Node 20): the port to the loader thread, set when the hooks are registered. */
export function usePackageImportsPort(port: MessagePort): void {
  loaderPort = port;
  port.unref();
}

/**
 * Make a plugin's package imports known to the hooks, wherever they run. Never rejects:
 * a failure is written to stderr (the host logs it under the plugin's name) and the
 * plugin's import then fails with a clear "was not installed" error.
 */
export async function applyPackageImports(map: unknown, plugImportMap?: unknown): Promise<void> {
  const noImports = map === undefined || (typeof map === 'object' && map !== null && Object.keys(map).length === 0);
  if (noImports && plugImportMap === undefined) return;
  try {
    const port = loaderPort;
    if (!port) {
      addPackageImports(map, plugImportMap);
      return;
    }
    const id = ++nextId;
    await new Promise<void>((resolve, reject) => {
      const onMessage = (reply: { id: number; ok: boolean; error?: string }) => {
        if (reply.id !== id) return;
        port.off('message', onMessage);
        port.unref();
        if (reply.ok) resolve();
        else reject(new Error(reply.error));
      };
      port.on('message', onMessage);
      port.ref();
      port.postMessage({ id, imports: map, importMap: plugImportMap });
    });
  } catch (error) {
    process.stderr.write(`paddock: the plugin's npm:/jsr: imports could not be set up: ${(error as Error).message}\n`);
  }
}
