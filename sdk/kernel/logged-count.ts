/**
 * A warning that a plugin can cause over and over (a message dropped for breaking the
 * protocol) is logged with its running count at 1 to 10, then at 100, 1 000, 10 000 …:
 * a flood costs the host's log a few lines, never one per message.
 */
export function isLoggedCount(n: number): boolean {
  if (n <= 10) return true;
  for (let p = 100; p <= n; p *= 10) if (p === n) return true;
  return false;
}
