/**
 * Scenario 5: task throughput through a plugin's task pool vs bare piscina on the same
 * task (bench/baselines/spin-task.ts; the plugin declares the same function).
 *
 *   Paddock        runtime.runTask(pluginId, 'spin', params) → the plugin's piscina pool, by
 *                  default in its plugin-host process (every task and its result relayed
 *                  over the IPC channel), and with workerHost "in-process" in this process
 *   bare piscina   new Piscina({ filename: spin-task.js }).run(params)
 *
 * and the same plugin with isolation "process": its pool in a task process of its own
 * (no target, measured).
 *
 * Both pools get the same size (the machine's cores, at most 4) and the same window of
 * tasks in flight; throughput = tasks / elapsed, median of interleaved rounds.
 */
import { availableParallelism } from 'node:os';
import { Piscina } from 'piscina';
import { benchRuntime } from './lib/paddock.js';
import { interleave, median } from './lib/stats.js';
import { benchFile } from './lib/threads.js';
import { compare, targets, type Scenario } from './lib/types.js';

type RunTask = (task: { n: number }) => Promise<unknown>;

/** Push `total` tasks through `run`, `window` at a time; tasks per second. */
async function throughput(run: RunTask, total: number, window: number, n: number): Promise<number> {
  let next = 0;
  const start = performance.now();
  const lane = async () => {
    while (next < total) {
      next++;
      const result = await run({ n });
      if (typeof result !== 'number') throw new Error(`the task returned ${typeof result}`);
    }
  };
  await Promise.all(Array.from({ length: window }, lane));
  return total / ((performance.now() - start) / 1000);
}

const scenario: Scenario = {
  number: 5,
  id: 'task-pool',
  title: 'Task throughput',
  file: 'bench/task-pool.bench.ts',
  async run(ctx) {
    const threads = Math.min(4, Math.max(1, availableParallelism()));
    const total = ctx.quick ? 1_000 : 5_000;
    const rounds = ctx.quick ? 2 : 3;
    const window = threads * 8;
    const n = 20_000;
    const piscina = new Piscina({ filename: benchFile('baselines/spin-task.js').href, minThreads: threads, maxThreads: threads });
    const runtime = benchRuntime(ctx, { workerHost: 'in-process' });
    const hosted = benchRuntime(ctx, { workerHost: 'plugin-host' });
    try {
      await runtime.load({ url: './task-plugin.mjs', id: 'tasks', pool: { size: threads } });
      await runtime.load({ url: './task-plugin.mjs', id: 'process-tasks', pool: { size: threads }, isolation: 'process' });
      await hosted.load({ url: './task-plugin.mjs', id: 'tasks', pool: { size: threads } });
      const runners: Record<string, RunTask> = {
        piscina: (task) => piscina.run(task),
        paddock: (task) => runtime.runTask('tasks', 'spin', task),
        pluginHost: (task) => hosted.runTask('tasks', 'spin', task),
        processTier: (task) => runtime.runTask('process-tasks', 'spin', task),
      };
      const variants = (count: number) => Object.fromEntries(Object.entries(runners).map(([name, run]) => [name, () => throughput(run, count, window, n)]));
      ctx.progress(`warm-up, then ${rounds} rounds × ${total} tasks (${Object.keys(runners).join(', ')})`);
      await interleave(1, variants(200));
      const measured = await interleave(rounds, variants(total));
      const paddock = median(measured.paddock!);
      return {
        rows: [
          compare('tasks/s, same task', 'tasks/s', 'higher', median(measured.pluginHost!), { label: 'bare piscina', value: median(measured.piscina!) }, targets.ratioAtLeast(0.95, '≥ 0.95× bare piscina')),
          compare('tasks/s, same task, workerHost "in-process"', 'tasks/s', 'higher', paddock, { label: 'bare piscina', value: median(measured.piscina!) }, targets.ratioAtLeast(0.95, '≥ 0.95× bare piscina')),
          compare('tasks/s, same task, pool in the task process (isolation "process")', 'tasks/s', 'higher', median(measured.processTier!), { label: 'bare piscina', value: median(measured.piscina!) }),
        ],
        notes: [`task pool: ${total} tasks of spin(${n}) per round, ${window} in flight, pools of ${threads} threads, median of ${rounds} interleaved rounds.`],
      };
    } finally {
      await piscina.destroy();
      await Promise.all([runtime.close(), hosted.close()]);
    }
  },
};

export default scenario;
