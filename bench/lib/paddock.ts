/** Paddock runtimes made the same way for every scenario: quiet, data in the scenario's temp folder. */
import { join } from 'node:path';
import { createLogger, PluginRuntime, type RuntimeOptions } from '../../runtime/index.js';
import type { BenchContext } from './types.js';
import { fixturePath } from './threads.js';

let made = 0;

/**
 * A runtime whose plugins resolve from bench/fixtures. Logs at `error` go to stderr
 * (a real failure shows); pass `logLevel: 'silent'` where failures are the point.
 */
export function benchRuntime(ctx: BenchContext, options: RuntimeOptions = {}): PluginRuntime {
  const { logLevel, ...rest } = options;
  return new PluginRuntime({
    logger: createLogger({ level: logLevel ?? 'error', destination: process.stderr }),
    baseDir: fixturePath('.'),
    dataDir: join(ctx.tempDir, `runtime-${++made}`),
    ...rest,
  });
}

/** Load `count` copies of a fixture plugin, `concurrency` at a time; resolves with their ids. */
export async function loadMany(
  runtime: PluginRuntime,
  count: number,
  entry: (index: number) => Parameters<PluginRuntime['load']>[0],
  concurrency = 4,
): Promise<string[]> {
  const ids: string[] = new Array(count);
  let next = 0;
  const lane = async () => {
    while (next < count) {
      const index = next++;
      ids[index] = (await runtime.load(entry(index))).id;
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, count) }, lane));
  return ids;
}
