/**
 * The seal of an installed tree: a SHA-256 of every file under its node_modules, and one
 * digest over all of them. The digest goes into paddock.lock (`files`), the per-file
 * list into `.paddock-seal.json` inside the install. Every load hashes the tree again
 * and compares it with the lockfile's digest (or the seal's, without a lockfile), so a
 * file changed in the cache after it was installed is refused, and the seal's list says
 * which one.
 */
import { createHash } from 'node:crypto';
import { readdir, readFile, readlink, writeFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import { z } from 'zod';

export const SEAL_FILE = '.paddock-seal.json';
// Written by arborist after extraction and rewritten by it at will: not package content.
const IGNORED = new Set(['node_modules/.package-lock.json']);
const HASH_CONCURRENCY = 16;

const sealSchema = z.object({
  sealVersion: z.literal(1),
  name: z.string(),
  version: z.string(),
  integrity: z.string(),
  files: z.string(),
  hashes: z.record(z.string(), z.string()),
}).strict();

export type Seal = z.infer<typeof sealSchema>;

export interface TreeHash {
  digest: string;
  hashes: Record<string, string>;
}

async function listFiles(root: string): Promise<Array<{ path: string; link: boolean }>> {
  const out: Array<{ path: string; link: boolean }> = [];
  const entries = await readdir(join(root, 'node_modules'), { recursive: true, withFileTypes: true }).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [];
    throw error;
  });
  for (const entry of entries) {
    if (!entry.isFile() && !entry.isSymbolicLink()) continue;
    // `parentPath` is Node ≥ 20.12's name for the entry's folder; `path` the older one.
    const folder = (entry as { parentPath?: string }).parentPath ?? entry.path;
    const path = relative(root, join(folder, entry.name)).split(sep).join('/');
    if (!IGNORED.has(path)) out.push({ path, link: entry.isSymbolicLink() });
  }
  return out;
}

export function digestOf(hashes: Record<string, string>): string {
  const hash = createHash('sha256');
  for (const path of Object.keys(hashes).sort()) hash.update(`${path}\0${hashes[path]}\n`);
  return `sha256-${hash.digest('base64')}`;
}

export async function hashTree(root: string): Promise<TreeHash> {
  const files = await listFiles(root);
  const hashes: Record<string, string> = {};
  for (let i = 0; i < files.length; i += HASH_CONCURRENCY) {
    await Promise.all(files.slice(i, i + HASH_CONCURRENCY).map(async ({ path, link }) => {
      const absolute = join(root, path);
      hashes[path] = link
        ? `link:${await readlink(absolute)}`
        : createHash('sha256').update(await readFile(absolute)).digest('hex');
    }));
  }
  return { digest: digestOf(hashes), hashes };
}

/** The seal, undefined when there is none (not installed), 'invalid' when it is unreadable. */
export async function readSeal(root: string): Promise<Seal | 'invalid' | undefined> {
  let text: string;
  try {
    text = await readFile(join(root, SEAL_FILE), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    // A seal that is not JSON was damaged after it was written: the caller refuses the install.
    return 'invalid';
  }
  const parsed = sealSchema.safeParse(value);
  return parsed.success ? parsed.data : 'invalid';
}

export async function writeSeal(root: string, seal: Seal): Promise<void> {
  await writeFile(join(root, SEAL_FILE), `${JSON.stringify(seal)}\n`);
}

/** What differs between the files now and the files when sealed, for the error message. */
export function describeDifference(now: Record<string, string>, sealed: Record<string, string> | undefined): string {
  if (!sealed) return 'its files differ from the recorded digest';
  const changed = Object.keys(now).filter((p) => Object.hasOwn(sealed, p) && sealed[p] !== now[p]);
  const added = Object.keys(now).filter((p) => !Object.hasOwn(sealed, p));
  const missing = Object.keys(sealed).filter((p) => !Object.hasOwn(now, p));
  const parts: string[] = [];
  const list = (paths: string[]) => `${paths.slice(0, 3).join(', ')}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`;
  if (changed.length) parts.push(`changed: ${list(changed)}`);
  if (added.length) parts.push(`added: ${list(added)}`);
  if (missing.length) parts.push(`missing: ${list(missing)}`);
  return parts.length ? parts.join('; ') : 'its seal no longer matches the lockfile';
}
