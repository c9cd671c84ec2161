/**
 * A collector's result must be plain JSON and small (Heartbeat's rule). The value
 * arrived by structured clone, so it may hold what JSON cannot say (Map, Date, BigInt,
 * NaN, cycles): find the first such value and name its path, then measure the JSON.
 */
import { paddockError, type PaddockError } from '../../sdk/errors.js';

const MAX_DEPTH = 100;

function kindOf(value: unknown): string | undefined {
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return undefined;
    case 'number':
      return Number.isFinite(value) ? undefined : `the number ${String(value)}`;
    case 'bigint':
      return 'a BigInt';
    case 'undefined':
      return 'undefined';
    case 'object': {
      if (value === null || Array.isArray(value)) return undefined;
      const proto = Object.getPrototypeOf(value) as object | null;
      if (proto === Object.prototype || proto === null) return undefined;
      if (value instanceof Date) return 'a Date (send date.toISOString())';
      return `an instance of ${(proto as { constructor?: { name?: string } }).constructor?.name || 'a class'}`;
    }
    default:
      return `a ${typeof value}`;
  }
}

function findNonJson(value: unknown, path: string, seen: Set<object>, depth: number): [string, string] | undefined {
  const kind = kindOf(value);
  if (kind) return [path || 'the result', kind];
  if (typeof value !== 'object' || value === null) return undefined;
  if (seen.has(value)) return [path || 'the result', 'a reference back to itself (a cycle)'];
  if (depth > MAX_DEPTH) return [path, `nested deeper than ${MAX_DEPTH} levels`];
  seen.add(value);
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = findNonJson(value[i], `${path}[${i}]`, seen, depth + 1);
      if (found) return found;
    }
  } else {
    for (const [key, item] of Object.entries(value)) {
      // An undefined property is left out by JSON, as Heartbeat's serializer would.
      if (item === undefined) continue;
      const found = findNonJson(item, path ? `${path}.${key}` : key, seen, depth + 1);
      if (found) return found;
    }
  }
  seen.delete(value);
  return undefined;
}

/** The JSON text of a collector's result, or the error that says why it is refused. */
export function checkCollectorResult(plugin: string, value: unknown, maxBytes: number): { json: string } | { error: PaddockError } {
  const bad = findNonJson(value, '', new Set(), 0);
  if (bad) return { error: paddockError('PADDOCK_ERR_COLLECT_NOT_JSON', { plugin, path: bad[0], kind: bad[1] }) };
  const json = JSON.stringify(value);
  const bytes = Buffer.byteLength(json);
  if (bytes > maxBytes) return { error: paddockError('PADDOCK_ERR_COLLECT_TOO_LARGE', { plugin, bytes, limit: maxBytes }) };
  return { json };
}
