/**
 * Primes: CPU-bound work as stateless tasks. The plugin's own worker stays free for
 * its events and actions while `countPrimes` runs in the plugin's task pool (piscina
 * threads with the same limits), reports its progress, and stops when cancelled.
 */
import { PluginImplementation, defineAction, defineTask, z } from 'paddock/sdk';

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

const CHUNK = 1_000_000;

export const tasks = {
  countPrimes: defineTask({
    description: 'Count the primes below a number (a sieve, in chunks, with progress)',
    params: z.object({ below: z.number().int().min(2).max(200_000_000) }),
    run: async ({ below }, { signal, progress }) => {
      const composite = new Uint8Array(below);
      let count = 0;
      for (let start = 0; start < below; start += CHUNK) {
        const end = Math.min(below, start + CHUNK);
        for (let n = Math.max(2, start); n < end; n++) {
          if (composite[n]) continue;
          count++;
          for (let m = n * n; m < below; m += n) composite[m] = 1;
        }
        progress(end / below, `checked ${end.toLocaleString('en')} numbers`);
        // Let the cancel message in between chunks; stop if it came.
        await new Promise((resolve) => setImmediate(resolve));
        signal.throwIfAborted();
      }
      return { below, count };
    },
  }),
};
