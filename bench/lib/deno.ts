/**
 * The Deno baseline: Deno's own sandboxed worker (`deno: { permissions: "none" }`,
 * running a TypeScript module), the bar issue-level targets name. Deno comes from the
 * `deno` dev dependency (npm's package ships the binary as an optional dependency), else
 * a `deno` on PATH, else PADDOCK_BENCH_DENO; without one the rows are left out and the
 * run says "not measured: deno not installed".
 *
 * Measured once per bench run, in a Deno process of its own (bench/deno/measure.ts),
 * after Paddock's own samples of the scenario that asks first; the numbers are not
 * interleaved with Paddock's, so read them with the load average in the header.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export interface DenoBaseline {
  deno: string;
  startMs: number;
  rssPerWorkerMb: number;
  roundTripUs: number;
  rounds: number;
  count: number;
  calls: number;
}

const repo = fileURLToPath(new URL('../../../', import.meta.url));
const folder = `${repo}bench/deno`;

function findDeno(): string | undefined {
  const candidates = [process.env.PADDOCK_BENCH_DENO, `${repo}node_modules/.bin/deno`];
  for (const candidate of candidates) if (candidate && existsSync(candidate)) return candidate;
  const onPath = spawnSync('deno', ['--version'], { stdio: 'ignore', timeout: 10_000 });
  return onPath.status === 0 ? 'deno' : undefined;
}

let measured: { value?: DenoBaseline; missing?: string } | undefined;

/** Deno's numbers for this run (measured on first use), or why there are none. */
export function denoBaseline(quick: boolean): { value?: DenoBaseline; missing?: string } {
  if (measured) return measured;
  const deno = findDeno();
  if (!deno) {
    measured = { missing: 'not measured: deno not installed (npm ci installs the deno dev dependency; or set PADDOCK_BENCH_DENO)' };
    return measured;
  }
  const args = quick ? ['5', '5', '1000'] : ['15', '20', '4000'];
  try {
    const out = execFileSync(deno, ['run', '--no-config', '--no-prompt', '--unstable-worker-options', `--allow-read=${folder}`, `${folder}/measure.ts`, ...args], {
      encoding: 'utf8',
      timeout: 180_000,
      // Deno's cache (the transpiled TypeScript) in a folder of the run's own, not the user's.
      env: { ...process.env, DENO_DIR: `${repo}node_modules/.cache/deno`, NO_COLOR: '1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    measured = { value: JSON.parse(out.trim().split('\n').pop()!) as DenoBaseline };
  } catch (error) {
    measured = { missing: `not measured: deno failed (${error instanceof Error ? error.message.split('\n')[0] : String(error)})` };
  }
  return measured;
}

/** The label of the Deno baseline in rows. */
export function denoLabel(value: DenoBaseline): string {
  return `Deno ${value.deno} worker, permissions "none", TS`;
}
