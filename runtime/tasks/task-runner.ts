/**
 * Runs the tasks of every plugin: a module plugin's in its piscina pool (created on
 * the first task, ended when the plugin stops or gets new options), an external
 * plugin's as processes (runtime/external/external-task.ts). A task runs only while
 * its plugin runs; stopping the plugin cancels its tasks.
 *
 * The pool's threads run where the plugin's worker runs: in this process by default,
 * in the plugin's plugin-host process with `workerHost: "plugin-host"`, in a task
 * process under the plugin's flags and wall for `isolation: "process"`
 * (hosted-task-pool.ts), so a task cannot abort what its plugin could not.
 */
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import type { Logger } from 'pino';
import { paddockError } from '../../sdk/errors.js';
import type { LogSeverity } from '../../sdk/types.js';
import type { HostEndpoint } from '../../sdk/kernel/protocol.js';
import { poolSchema, type PoolConfig } from '../config/entry-models.js';
import { externalEntry, type ExternalEntry } from '../external/external-entry.js';
import { runExternalTask } from '../external/external-task.js';
import { compileParamsSchema } from '../external/params-schema.js';
import type { PluginController } from '../supervisor/plugin-controller.js';
import { TaskPool, type ResolvedPoolConfig, type TaskRunOptions } from '../../sdk/kernel/task-pool.js';
import type { PluginHostProcess } from '../transport/plugin-host.js';
import type { TaskBoot } from '../../sdk/kernel/task-protocol.js';
import { HostedTaskPool } from './hosted-task-pool.js';

// The bundled entry (build/bundle-workers.mjs).
export const TASK_WORKER_URL = new URL('../../workers/bundle/task-worker.js', import.meta.url);

/** A plugin's pool, in this process (TaskPool) or in another one (HostedTaskPool: a plugin-host or task process). */
interface PluginTaskPool {
  readonly tasks: ReadonlyMap<string, number | undefined>;
  readonly stats: { running: number; waiting: number; threads: number };
  /** The process it ran in died: the next task starts a new pool. */
  readonly dead?: boolean;
  run(task: string, params: unknown, options?: TaskRunOptions): Promise<unknown>;
  close(reason: string): Promise<void>;
  retire(): Promise<void>;
}

export interface TaskRunnerDeps {
  logger(id: string): Logger;
  onOutput(id: string, stream: 'stdout' | 'stderr', line: string, severity?: LogSeverity): void;
  /** The plugin's API endpoint and a token for one run of an rpc task; `release` revokes the token. */
  hostLink(controller: PluginController, lifeMs: number): { endpoint: HostEndpoint; token: string; release(): void };
  /**
   * The process the plugin's task threads run in when not this one (its plugin-host
   * process, or a process-isolated plugin's task process), what to do when its pool
   * ends, and the largest result that may cross from there.
   */
  taskHost?(controller: PluginController, boot: TaskBoot): { host: PluginHostProcess; release(host: PluginHostProcess): void; maxResultBytes: number } | undefined;
}

/** A module plugin's pool: its entry's (defaults filled by poolSchema), with the machine-dependent size filled here. */
export function resolvePoolConfig(config: PoolConfig | undefined): ResolvedPoolConfig {
  const pool = config ?? poolSchema.parse({});
  return { ...pool, size: pool.size ?? Math.max(1, Math.floor(availableParallelism() / 2)) };
}

export class TaskRunner {
  readonly #deps: TaskRunnerDeps;
  readonly #pools = new Map<string, PluginTaskPool>();
  /** Runs of external tasks, per plugin: aborted when the plugin stops. */
  readonly #processes = new Map<string, Set<{ abort: AbortController; settled: Promise<unknown> }>>();

  constructor(deps: TaskRunnerDeps) {
    this.#deps = deps;
  }

  async run(controller: PluginController, task: string, params: unknown, options: TaskRunOptions = {}): Promise<unknown> {
    const plugin = controller.id;
    // The common case costs a Map lookup: the plugin runs and its pool knows its tasks.
    const pool = this.#pools.get(plugin);
    if (pool && !pool.dead && controller.state === 'running' && pool.tasks.has(task)) return pool.run(task, params, options);
    await controller.ready();
    const tasks = controller.info().tasks;
    if (!tasks.some((t) => t.name === task)) {
      throw paddockError('PADDOCK_ERR_UNKNOWN_TASK', { plugin, task, known: tasks.map((t) => t.name).join(', ') || 'no tasks' });
    }
    const external = externalEntry(controller.entry);
    if (external) return this.#runExternal(controller, external, task, params, options);
    const current = this.#pools.get(plugin);
    return (current && !current.dead ? current : this.#newPool(controller)).run(task, params, options);
  }

  #newPool(controller: PluginController): PluginTaskPool {
    const plugin = controller.id;
    const boot = controller.taskBoot();
    if (!boot) throw paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin, state: controller.state });
    const tasks = controller.info().tasks;
    const common = {
      boot,
      pool: resolvePoolConfig(controller.entry.pool),
      limits: controller.entry.limits,
      tasks: new Map(tasks.map((t) => [t.name, t.timeoutMs])),
      logger: this.#deps.logger(plugin),
      onOutput: (stream: 'stdout' | 'stderr', line: string) => this.#deps.onOutput(plugin, stream, line),
    };
    const hosted = this.#deps.taskHost?.(controller, boot);
    const pool = hosted
      ? new HostedTaskPool({ ...common, ...hosted })
      : new TaskPool({ ...common, filename: TASK_WORKER_URL });
    this.#pools.set(plugin, pool);
    return pool;
  }

  /**
   * The plugin has new options: the next task starts a new pool (its threads get them),
   * while the old pool finishes what it has. An external plugin's runs read the options
   * each time.
   */
  renew(id: string): void {
    const pool = this.#pools.get(id);
    if (!pool) return;
    this.#pools.delete(id);
    pool.retire().catch((error: unknown) => this.#deps.logger(id).error({ err: error }, 'failed to end the old task pool'));
  }

  /** The plugin stopped: cancel its tasks, end its pool. */
  async close(id: string, reason: string): Promise<void> {
    const pool = this.#pools.get(id);
    this.#pools.delete(id);
    const runs = [...(this.#processes.get(id) ?? [])];
    for (const run of runs) run.abort.abort(reason);
    await Promise.all([pool?.close(reason), ...runs.map((run) => run.settled)]);
  }

  async closeAll(reason: string): Promise<void> {
    await Promise.all([...new Set([...this.#pools.keys(), ...this.#processes.keys()])].map((id) => this.close(id, reason)));
  }

  /** Threads and queue of a plugin's pool (undefined before its first task). */
  poolStats(id: string): { running: number; waiting: number; threads: number } | undefined {
    return this.#pools.get(id)?.stats;
  }

  async #runExternal(controller: PluginController, external: ExternalEntry, task: string, params: unknown, options: TaskRunOptions): Promise<unknown> {
    const plugin = controller.id;
    const definition = external.tasks.find((t) => t.name === task)!;
    const check = compileParamsSchema(definition.params, (reason) =>
      this.#deps.logger(plugin).warn(`the params schema of task ${JSON.stringify(task)} cannot be checked: ${reason}`));
    const checked = check?.(params);
    if (checked && !checked.ok) throw paddockError('PADDOCK_ERR_INVALID_TASK_PARAMS', { plugin, task, problems: checked.problems });
    const boot = controller.taskBoot()!;
    const limits = controller.entry.limits;
    const timeoutMs = options.timeoutMs ?? definition.timeoutMs ?? limits.callTimeoutMs;
    const stopped = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stopped.signal]) : stopped.signal;
    const link = external.interface === 'rpc' ? this.#deps.hostLink(controller, timeoutMs + limits.stopTimeoutMs + 60_000) : undefined;
    const settled = runExternalTask({
      plugin,
      external,
      command: fileURLToPath(boot.moduleUrl),
      task: definition,
      params,
      options: boot.options as Record<string, unknown>,
      dataDir: boot.dataDir,
      timeoutMs,
      graceMs: limits.stopTimeoutMs,
      run: { ...options, signal },
      onOutput: (stream, line, severity) => this.#deps.onOutput(plugin, stream, line, severity),
      ...(link ? { host: { endpoint: link.endpoint, token: link.token } } : {}),
    });
    let runs = this.#processes.get(plugin);
    if (!runs) this.#processes.set(plugin, (runs = new Set()));
    // close() only waits for the run to end; the caller gets its outcome below.
    const entry = { abort: stopped, settled: settled.catch(() => undefined) };
    runs.add(entry);
    try {
      return await settled;
    } catch (error) {
      // A plugin stop shows as the stop, not as "the caller aborted it".
      if (stopped.signal.aborted && !options.signal?.aborted) {
        throw paddockError('PADDOCK_ERR_TASK_CANCELLED', { plugin, task, reason: `the plugin stopped (${String(stopped.signal.reason)})` }, { cause: error });
      }
      throw error;
    } finally {
      link?.release();
      runs.delete(entry);
      if (runs.size === 0) this.#processes.delete(plugin);
    }
  }
}
