/**
 * The wire protocol between the runtime and its plugin-host process
 * (workers/plugin-host-process.ts), which runs worker-tier plugins' threads outside the
 * embedding application's process (runtime option `workerHost: "plugin-host"`).
 *
 *   runtime (runtime/transport/plugin-host.ts)      plugin-host process
 *                                               ◀── { t: 'ready' }
 *   { t: 'spawn', w, name, limits, … plugin }   ──▶ new Worker(bootstrap), InitMessage
 *   { t: 'msg', w, c, d }                        ──▶ relayed to the worker's control,
 *                                                     api and events ports
 *                                               ◀── { t: 'msg', w, c, b }  (the worker's message, serialized
 *                                                     and bounded by maxMessageBytes here)
 *                                               ◀── { t: 'beat', w, b, m, h?, e }  (sampled here)
 *                                               ◀── { t: 'out', w, s, l }          (output lines, cut at maxLineBytes)
 *                                               ◀── { t: 'violation', w, p, stop }  (the worker broke the protocol)
 *                                               ◀── { t: 'exit', w, code, error? }
 *   { t: 'terminate', w }                        ──▶ worker.terminate()
 *   { t: 'spares', n, limits }                   ──▶ keep n booted workers ready (runtime option spareWorkers)
 *                                               ◀── { t: 'warm', n, gaveUp }    (booted spares now)
 *
 * A plugin's task pool runs in the plugin-host process its worker runs in
 * (workers/plugin-host-tasks.ts, a TaskPool of sdk/kernel/task-pool.ts there):
 *
 *   { t: 'pool', w, boot, pool, limits, … }      ──▶ new TaskPool (threads start with the first task)
 *   { t: 'run', w, id, task, params, … }         ──▶ pool.run()
 *   { t: 'cancel', w, id, reason }               ──▶ the run's AbortSignal
 *                                               ◀── { t: 'progress', w, id, v, m? }
 *                                               ◀── { t: 'out', w, s, l }          (a task's output line)
 *                                               ◀── { t: 'done', w, id, ok, … }    (result capped at maxResultBytes)
 *                                               ◀── { t: 'pool-beat', w, … }       (stats, task threads' heap/ELU)
 *                                               ◀── { t: 'log', w, level, msg }
 *   { t: 'pool-end', w, retire, reason }         ──▶ pool.retire() / pool.close()
 *                                               ◀── { t: 'pool-ended', w }
 *
 * `w` names one worker (a plugin id plus a start counter: a restart is a new worker) or
 * one task pool (a plugin id, "tasks" and a counter).
 * The IPC channel uses structured clone (`serialization: 'advanced'`).
 */
import type { ChannelName, PluginBoot } from './protocol.js';
import type { SerializedError } from './serialize-error.js';
import type { TaskBoot } from './task-protocol.js';
import type { ResolvedPoolConfig } from './task-pool.js';

export interface HostedWorkerLimits {
  maxOldGenerationSizeMb?: number;
  maxYoungGenerationSizeMb?: number;
  stackSizeMb?: number;
}

/** Runtime → plugin-host process. */
export type PluginHostCommand =
  /** maxMessageBytes: the most one message from the worker may take, serialized; a larger one stops the worker. */
  | { t: 'spawn'; w: string; name: string; limits: HostedWorkerLimits; heartbeatIntervalMs: number; maxLineBytes: number; maxMessageBytes: number; protocol: number; plugin: PluginBoot }
  | { t: 'msg'; w: string; c: ChannelName; d: unknown }
  | { t: 'terminate'; w: string }
  /** Keep `n` booted plugin workers with these limits ready; a spawn with the same limits takes one. */
  | { t: 'spares'; n: number; limits: HostedWorkerLimits }
  /** tasks: each task's name and its own deadline; maxResultBytes: the largest result sent back. */
  | { t: 'pool'; w: string; boot: TaskBoot; pool: ResolvedPoolConfig; limits: HostedWorkerLimits & { maxExternalMemoryMb?: number }; tasks: Array<[string, number | undefined]>; maxResultBytes: number }
  | { t: 'run'; w: string; id: number; task: string; params: unknown; timeoutMs?: number; progress: boolean }
  | { t: 'cancel'; w: string; id: number; reason: string }
  | { t: 'pool-end'; w: string; retire: boolean; reason: string };

/** A task pool's counts, and its busiest task thread as measured from outside (h: heap used / limit in MB where Node reads it; e: event-loop utilisation). */
export interface HostedPoolBeat {
  running: number;
  waiting: number;
  threads: number;
  h?: [number, number];
  e: number;
}

/** An error a worker died of, as data (structured clone drops `code`). */
export interface HostedWorkerError {
  name: string;
  message: string;
  stack?: string;
  code?: string;
}

/** Plugin-host process → runtime. */
export type PluginHostReport =
  | { t: 'ready'; protocol: number }
  /** b: the worker's message, serialized here (node:v8) so its size is known, and bounded, before the runtime holds it. */
  | { t: 'msg'; w: string; c: ChannelName; b: Uint8Array }
  /** b: the worker's heartbeat counter; m: its external MB; h: heap used / heap limit in MB (where Node can measure it); e: event-loop utilisation since the last beat. */
  | { t: 'beat'; w: string; b: number; m: number; h?: [number, number]; e: number }
  | { t: 'out'; w: string; s: 'stdout' | 'stderr'; l: string }
  /** p: what the worker did; stop: the plugin-host process terminated the worker for it (its exit follows). */
  | { t: 'violation'; w: string; p: string; stop: boolean }
  | { t: 'exit'; w: string; code: number; error?: HostedWorkerError }
  /** n: spares booted and waiting; gaveUp: spares failed to boot three times in a row, no more are made; took: the worker a spawn made of a spare. */
  | { t: 'warm'; n: number; gaveUp: boolean; took?: string }
  | { t: 'progress'; w: string; id: number; v: number; m?: string }
  | { t: 'done'; w: string; id: number; ok: true; v: unknown }
  | { t: 'done'; w: string; id: number; ok: false; e: SerializedError }
  | ({ t: 'pool-beat'; w: string } & HostedPoolBeat)
  | { t: 'log'; w: string; level: 'warn' | 'error'; msg: string }
  | { t: 'pool-ended'; w: string };

export const PLUGIN_HOST_PROTOCOL = 3;
