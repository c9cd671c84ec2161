/**
 * `paddock.lock`: what each specifier resolved to, and what was installed for it.
 *
 *   {
 *     "lockfileVersion": 1,
 *     "specifiers": { "npm:@acme/greeter@^1": "@acme/greeter@1.2.0" },
 *     "packages": {
 *       "@acme/greeter@1.2.0": {
 *         "integrity": "sha512-…",            tarball of the package (the registry's dist.integrity)
 *         "files": "sha256-…",                digest of every file of the installed tree
 *         "tree": { "node_modules/@acme/greeter": { version, resolved, integrity, … }, … }
 *       }
 *     }
 *   }
 *
 * The tree is npm's package-lock `packages` section of the plugin's own install, so the
 * same tree is installed again from it, offline, anywhere. The file is read on every
 * lookup (it is small, and another process may have written it) and validated with zod;
 * writes are serialized per file and atomic (write a temporary file, then rename).
 */
import { randomBytes } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import { z } from 'zod';
import { paddockError } from '../../sdk/errors.js';
import { formatIssues } from '../config/format-issues.js';

export const LOCKFILE_NAME = 'paddock.lock';

const treeEntrySchema = z.looseObject({
  version: z.string().min(1),
  resolved: z.string().optional(),
  integrity: z.string().optional(),
});

const lockedPackageSchema = z.object({
  integrity: z.string().regex(/^sha\d+-/, 'expected an SRI hash such as "sha512-…"'),
  files: z.string().regex(/^sha256-/, 'expected a "sha256-…" digest'),
  tree: z.record(z.string().regex(/^node_modules\//, 'expected a location under node_modules/'), treeEntrySchema),
}).strict();

export const lockfileSchema = z.object({
  lockfileVersion: z.literal(1),
  specifiers: z.record(z.string().regex(/^(npm|jsr):/, 'expected an npm: or jsr: specifier'), z.string().min(1)),
  packages: z.record(z.string().min(1), lockedPackageSchema),
}).strict().superRefine((lock, ctx) => {
  for (const [specifier, id] of Object.entries(lock.specifiers)) {
    if (!Object.hasOwn(lock.packages, id)) ctx.addIssue({ code: 'custom', path: ['specifiers', specifier], message: `names ${JSON.stringify(id)}, which is not in "packages"` });
  }
});

export type LockfileData = z.infer<typeof lockfileSchema>;
export type LockedPackage = z.infer<typeof lockedPackageSchema>;
export type LockTree = LockedPackage['tree'];

export interface LockedSpecifier {
  /** `name@version` */
  id: string;
  name: string;
  version: string;
  locked: LockedPackage;
}

export function packageId(name: string, version: string): string {
  return `${name}@${version}`;
}

function splitId(id: string): { name: string; version: string } {
  const at = id.lastIndexOf('@');
  return { name: id.slice(0, at), version: id.slice(at + 1) };
}

const emptyLockfile = (): LockfileData => ({ lockfileVersion: 1, specifiers: {}, packages: {} });

export async function readLockfile(path: string): Promise<LockfileData> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return emptyLockfile();
    throw paddockError('PADDOCK_ERR_LOCKFILE_INVALID', { lockfile: path, problems: `  - cannot read it: ${(error as Error).message}` }, { cause: error });
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw paddockError('PADDOCK_ERR_LOCKFILE_INVALID', { lockfile: path, problems: `  - not JSON: ${(error as Error).message}` }, { cause: error });
  }
  const parsed = lockfileSchema.safeParse(value);
  if (!parsed.success) throw paddockError('PADDOCK_ERR_LOCKFILE_INVALID', { lockfile: path, problems: formatIssues(parsed.error) });
  return parsed.data;
}

function sortKeys<T>(record: Record<string, T>): Record<string, T> {
  return Object.fromEntries(Object.entries(record).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

export function serializeLockfile(lock: LockfileData): string {
  return `${JSON.stringify({ lockfileVersion: 1, specifiers: sortKeys(lock.specifiers), packages: sortKeys(lock.packages) }, null, 2)}\n`;
}

const writeQueues = new Map<string, Promise<unknown>>();

export class Lockfile {
  readonly path: string;

  constructor(path: string) {
    this.path = path;
  }

  async lookup(key: string): Promise<LockedSpecifier | undefined> {
    const lock = await readLockfile(this.path);
    const id = lock.specifiers[key];
    if (id === undefined) return undefined;
    return { id, ...splitId(id), locked: lock.packages[id]! };
  }

  /** The package a `name@version` already has in the lockfile (shared by several specifiers). */
  async lookupPackage(name: string, version: string): Promise<LockedPackage | undefined> {
    const lock = await readLockfile(this.path);
    return lock.packages[packageId(name, version)];
  }

  /** Record (or replace) what `key` resolved to. Serialized with other writes to the same file. */
  record(key: string, name: string, version: string, locked: LockedPackage): Promise<void> {
    return this.#update((lock) => {
      const id = packageId(name, version);
      lock.specifiers[key] = id;
      lock.packages[id] = locked;
    });
  }

  #update(change: (lock: LockfileData) => void): Promise<void> {
    const previous = writeQueues.get(this.path) ?? Promise.resolve();
    // A failed earlier write was reported to its own caller; this one starts afresh.
    const next = previous.catch(() => undefined).then(async () => {
      const lock = await readLockfile(this.path);
      const before = serializeLockfile(lock);
      change(lock);
      const after = serializeLockfile(lock);
      if (after === before) return;
      await mkdir(dirname(this.path), { recursive: true });
      const temporary = `${this.path}.${randomBytes(6).toString('hex')}.tmp`;
      await writeFile(temporary, after);
      await rename(temporary, this.path);
    });
    writeQueues.set(this.path, next);
    // The caller gets `next` and its error; this branch only tidies the queue map.
    next.finally(() => {
      if (writeQueues.get(this.path) === next) writeQueues.delete(this.path);
    }).catch(() => undefined);
    return next;
  }
}
