/**
 * The shape of one permission kind, like Deno's permission descriptors: what a grant's
 * entries are, how the host normalises them, when one entry covers another, what the
 * kind is for, and what it adds to Node's permission model in a child process. One
 * module per kind (read.ts … import.ts); table.ts derives the names, the empty and full
 * grants and the SDK's types from them. Shared by the host and the plugin side, so
 * nothing here loads zod (runtime/permissions/entries.ts holds the schemas).
 */

/** The field of a `permissions.query()` descriptor that names the resource. */
export type ResourceField = 'path' | 'host' | 'variable' | 'command' | 'kind';

/** One permission after normalization: everything, or a list (empty = nothing). */
export type Grant = true | readonly string[];

/** What a process-isolated plugin's folders contribute to Node's permission flags. */
export interface NodeFlagInput {
  major: number;
}

export interface PermissionKind<N extends string = string, F extends ResourceField = ResourceField> {
  readonly name: N;
  /** The descriptor field `permissions.query({ name, [resource]: … })` takes. */
  readonly resource: F;
  /** One line for people (the config schema's description). */
  readonly describe: string;
  /** An entry as the host keeps it (absolute real paths, lower-case hosts …); relative paths from `baseDir`. */
  normalise(entry: string, baseDir: string): string;
  /** Does entry `inner` ask for nothing more than `outer` allows? (both normalised) */
  covers(inner: string, outer: string): boolean;
  /**
   * Node's permission model, for a plugin in a child process: `paths` says where this
   * kind's entries go (`read`: --allow-fs-read, `write`: --allow-fs-write, or none), and
   * `flags` the other flags the grant needs.
   */
  readonly node: {
    readonly paths?: 'read' | 'write';
    /** `true` for this kind opens all of `paths` (`--allow-fs-read=*`), not only its list. */
    readonly everywhereWhenTrue?: boolean;
    flags?(grant: Grant, node: NodeFlagInput): string[];
  };
}

/** A kind whose grant is the whole thing or nothing else but a list: granted at all? */
export function granted(grant: Grant): boolean {
  return grant === true || grant.length > 0;
}
