/**
 * Primes: CPU-bound work as stateless tasks. The plugin's own worker stays free for
 * its events and actions while `countPrimes` runs in the plugin's task pool (piscina
 * threads with the same limits), reports its progress, and stops when cancelled.
 */
import { PluginImplementation, defineAction, defineTask, z } from 'paddock-runtime/sdk';

export class PupPlugin extends PluginImplementation {
  override meta = { name: 'primes', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/paddock/examples/plugins/primes' };

  override actions = {
    isPrime: defineAction({
      description: 'Whether a number is prime (quick: runs in the plugin\'s own worker)',
      params: z.object({ n: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER) }),
      run: ({ n }) => isPrime(n),
    }),
  };
}

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let d = 2; d * d <= n; d++) if (n % d === 0) return false;
  return true;
}

const SEGMENT = 1_000_000;

/** The primes up to `limit` (a plain sieve: small). */
function basePrimes(limit: number): number[] {
  const composite = new Uint8Array(limit + 1);
  const primes: number[] = [];
  for (let n = 2; n <= limit; n++) {
    if (composite[n]) continue;
    primes.push(n);
    for (let m = n * n; m <= limit; m += n) composite[m] = 1;
  }
  return primes;
}

export const tasks = {
  countPrimes: defineTask({
    description: 'Count the primes below a number (a segmented sieve, with progress)',
    params: z.object({ below: z.number().int().min(2).max(1_000_000_000) }),
    run: async ({ below }, { signal, progress }) => {
      const primes = basePrimes(Math.floor(Math.sqrt(below)));
      const segment = new Uint8Array(SEGMENT);
      let count = 0;
      for (let low = 0; low < below; low += SEGMENT) {
        const high = Math.min(below, low + SEGMENT);
        segment.fill(0);
        for (const p of primes) {
          for (let m = Math.max(p * p, Math.ceil(low / p) * p); m < high; m += p) segment[m - low] = 1;
        }
        for (let n = Math.max(2, low); n < high; n++) if (!segment[n - low]) count++;
        progress(high / below, `checked ${high.toLocaleString('en')} numbers`);
        // Let the cancel request in between segments; stop if it came.
        await new Promise((resolve) => setImmediate(resolve));
        signal.throwIfAborted();
      }
      return { below, count };
    },
  }),
};
