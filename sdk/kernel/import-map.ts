/**
 * A plugin's import map, resolved the way Deno reads one: shared by the host (which
 * scans the plugin's modules to install what the map points at) and the worker loader
 * (which maps each import as Node resolves it), so both agree on every specifier.
 *
 * The host builds the map from the plugin folder's deno.json / deno.jsonc and
 * package.json (runtime/packages/import-map.ts) with every target made absolute:
 * a file: URL, or an `npm:` / `jsr:` specifier. Resolution, for a specifier imported
 * by `parentURL`:
 *   1. the scopes whose URL prefix the parent starts with, longest first, then `imports`;
 *   2. in each, the exact key; else the longest key ending in "/" that prefixes the
 *      specifier (target + the rest); else, as Deno does for package targets, a key
 *      `name` with an npm:/jsr: target also maps `name/sub` to `target/sub`.
 * Relative and absolute paths, `node:` and URLs with a scheme are never mapped.
 */

export interface ImportMap {
  /** Specifier → target. */
  imports: Record<string, string>;
  /** Absolute URL prefix of the importing module → its own specifier map. */
  scopes: Record<string, Record<string, string>>;
}

const PACKAGE_TARGET = /^(npm|jsr):/i;
const HAS_SCHEME = /^[a-z][a-z0-9+.-]*:/i;

/** Could an import map apply to this specifier? Bare names and `#` imports only. */
export function isMappable(specifier: string): boolean {
  if (specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/')) return false;
  return !HAS_SCHEME.test(specifier);
}

function lookup(map: Record<string, string>, specifier: string): string | undefined {
  const exact = map[specifier];
  if (exact !== undefined) return exact;
  let best: string | undefined;
  let bestTarget: string | undefined;
  for (const [key, target] of Object.entries(map)) {
    if (best !== undefined && key.length <= best.length) continue;
    if (key.endsWith('/')) {
      if (!specifier.startsWith(key)) continue;
      const rest = specifier.slice(key.length);
      best = key;
      bestTarget = target.endsWith('/') ? target + rest : `${target}/${rest}`;
    } else if (PACKAGE_TARGET.test(target) && specifier.startsWith(`${key}/`)) {
      best = key;
      bestTarget = `${target}${specifier.slice(key.length)}`;
    }
  }
  return bestTarget;
}

/** The target of `specifier` imported by `parentURL`, or undefined when the map does not name it. */
export function resolveImportMap(map: ImportMap | undefined, specifier: string, parentURL: string | undefined): string | undefined {
  if (!map || !isMappable(specifier)) return undefined;
  if (parentURL) {
    const scopes = Object.keys(map.scopes).filter((prefix) => parentURL.startsWith(prefix)).sort((a, b) => b.length - a.length);
    for (const prefix of scopes) {
      const found = lookup(map.scopes[prefix]!, specifier);
      if (found !== undefined) return found;
    }
  }
  return lookup(map.imports, specifier);
}

/** A structurally valid map (it crosses from host to worker), or a TypeError saying what is wrong. */
export function checkImportMap(value: unknown): ImportMap {
  const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
  const strings = (v: unknown, where: string): Record<string, string> => {
    if (!isRecord(v)) throw new TypeError(`import map ${where} must be an object`);
    for (const [key, target] of Object.entries(v)) if (typeof target !== 'string') throw new TypeError(`import map ${where}[${JSON.stringify(key)}] must be a string`);
    return v as Record<string, string>;
  };
  if (!isRecord(value)) throw new TypeError('import map must be an object');
  const rawScopes = value.scopes ?? {};
  if (!isRecord(rawScopes)) throw new TypeError('import map scopes must be an object');
  const scopes: Record<string, Record<string, string>> = {};
  for (const [prefix, map] of Object.entries(rawScopes)) scopes[prefix] = strings(map, `scopes[${JSON.stringify(prefix)}]`);
  return { imports: strings(value.imports ?? {}, 'imports'), scopes };
}
