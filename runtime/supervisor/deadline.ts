/**
 * Waiting with a deadline. Every step of a plugin's life has one (issue 12): a promise a
 * plugin can keep pending (terminate of a thread stuck in a system call, a frozen
 * process's pipe) must never hold the host.
 */

/** True if `promise` settles within `ms`, false if the deadline comes first (the promise is left to itself). */
export function settlesWithin(promise: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<boolean>((resolve) => {
    timer = setTimeout(() => resolve(false), ms);
  });
  const settled = promise.then(() => true, () => true);
  return Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
}
