/**
 * Runs the reachability walker (plugins/audit-walk.mjs) as a real plugin in a real
 * worker with default permissions, and returns what it found. Shared by the audit
 * test and by write-reachable.mjs, which writes the reviewed list.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot, testRuntime } from '../helpers.js';

export interface WalkResult {
  node: string;
  /** Every function reached, one stable path each, sorted. */
  functions: string[];
  objects: number;
  depth: number;
  truncated: boolean;
  getterErrors: number;
  /** Builtins the gates refused to load, with the error code. */
  refusedModules: Record<string, string>;
  /** Objects the walker could not create (a refused or missing constructor). */
  refusedProbes: string[];
  ms: number;
}

export const REACHABLE_FILE = join(repoRoot, 'test', 'escape', 'reachable.json');

export async function walkReachable(): Promise<WalkResult> {
  const rt = testRuntime({ baseDir: join(repoRoot, 'test', 'escape'), limits: { startTimeoutMs: 60_000, callTimeoutMs: 60_000 } });
  try {
    await rt.runtime.load({ url: './plugins/audit-walk.mjs', id: 'audit-walk' });
    const answer = await rt.runtime.invoke('audit-walk', 'attack', {}) as { file: string };
    return JSON.parse(readFileSync(answer.file, 'utf8')) as WalkResult;
  } finally {
    await rt.close();
  }
}

/** The reviewed list: path → "class" or "class @20,22" (only on those Node lines). */
export interface ReachableList {
  lines: number[];
  functions: Record<string, string>;
}

export function parseEntry(entry: string): { cls: string; lines: number[] | undefined } {
  const at = entry.indexOf(' @');
  if (at === -1) return { cls: entry, lines: undefined };
  return { cls: entry.slice(0, at), lines: entry.slice(at + 2).split(',').map(Number) };
}

/** Functions found on `line` that the list does not allow there. */
export function unreviewed(found: string[], list: ReachableList, line: number): string[] {
  return found.filter((path) => {
    const entry = list.functions[path];
    if (entry === undefined) return true;
    const { cls, lines } = parseEntry(entry);
    return cls === 'unreviewed' || (lines !== undefined && !lines.includes(line));
  });
}
