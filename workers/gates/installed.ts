/**
 * Whether this thread's gates are installed: one flag per thread. A module of its own
 * so that every copy of the gates shares it: the bundled entries (build/bundle-workers.mjs
 * keeps this file external) and an entry imported again under another URL see the
 * thread's one flag, as the nested-worker entry's refusal to run twice needs.
 */
let installed = false;

export function gatesInstalled(): boolean {
  return installed;
}

/** Set the flag; throws when the gates are already installed in this thread. */
export function markGatesInstalled(): void {
  if (installed) throw new Error('paddock: the permission gates are already installed in this thread');
  installed = true;
}
