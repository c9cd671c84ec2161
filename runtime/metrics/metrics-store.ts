/**
 * The one source of truth for per-plugin figures. The runtime feeds it what it sees
 * (state changes, host-API calls through the endpoint, invoke/runTask, denials) and it
 * samples what only the host can measure (a worker's heap and event-loop use, a child
 * process's resident memory; for a worker in a plugin-host process, what that process
 * sampled from outside the thread) on a timer, so `snapshot()` stays synchronous.
 */
import { readFileSync } from 'node:fs';
import type { Worker } from 'node:worker_threads';
import type { EventLoopUtilization } from 'node:perf_hooks';
import type { DenialReport } from '../../sdk/kernel/sandbox-data.js';
import type { PluginInfo, StateChange } from '../supervisor/plugin-controller.js';
import { newHistogram, observe } from './histogram.js';
import type { CallFigures, PluginMetrics, RuntimeMetrics } from './types.js';

/** What the store needs to know about a plugin's queue (an Outbox fits). */
export interface QueueView {
  readonly queued: number;
  readonly inFlight: number;
  readonly droppedTotal: number;
  readonly accepted?: number;
  readonly queuedBytes?: number;
}

/** Figures measured elsewhere and handed over (a worker in a plugin-host process: sampled there). */
export interface Measured {
  eventLoopUtilization?: number;
  memory: PluginMetrics['memory'];
}

interface Runner {
  worker?: Worker;
  pid?: () => number | undefined;
  measured?: () => Measured;
  elu?: EventLoopUtilization;
}

interface Record_ {
  crashReasons: Record<string, number>;
  hostCalls: Record<string, CallFigures>;
  actions: Record<string, CallFigures>;
  tasks: Record<string, CallFigures>;
  denials: Record<string, number>;
  memory: PluginMetrics['memory'];
  eventLoopUtilization?: number;
  runner?: Runner;
}

// Names come from plugins (host methods are the host's, but actions and tasks are the
// plugin's own): cap how many distinct names one plugin can make the host remember.
const MAX_NAMES = 100;
const OTHER = 'other';

function figures(table: Record<string, CallFigures>, name: string): CallFigures {
  const key = Object.hasOwn(table, name) || Object.keys(table).length < MAX_NAMES ? name : OTHER;
  return (table[key] ??= { count: 0, errors: 0, latency: newHistogram() });
}

export class MetricsStore {
  readonly #plugins = new Map<string, Record_>();
  readonly #sampleMs: number;
  #timer: NodeJS.Timeout | undefined;

  constructor(sampleMs = 2000) {
    this.#sampleMs = sampleMs;
  }

  #get(id: string): Record_ {
    let record = this.#plugins.get(id);
    if (!record) {
      record = { crashReasons: Object.create(null), hostCalls: Object.create(null), actions: Object.create(null), tasks: Object.create(null), denials: Object.create(null), memory: {} };
      this.#plugins.set(id, record);
    }
    return record;
  }

  state(change: StateChange): void {
    const record = this.#get(change.id);
    if (change.to === 'crashed') {
      const reason = (change.reason ?? 'unknown').slice(0, 80);
      record.crashReasons[reason] = (record.crashReasons[reason] ?? 0) + 1;
    }
    if (change.to === 'stopped' || change.to === 'failed' || change.to === 'crashed') {
      record.runner = undefined;
      record.memory = {};
      delete record.eventLoopUtilization;
    }
  }

  call(kind: 'hostCalls' | 'actions' | 'tasks', id: string, name: string, ms: number, ok: boolean): void {
    const f = figures(this.#get(id)[kind], name);
    f.count++;
    if (!ok) f.errors++;
    observe(f.latency, ms);
  }

  /** Time `run` and count it as an action or task of `id`. */
  async time<T>(kind: 'actions' | 'tasks', id: string, name: string, run: () => Promise<T>): Promise<T> {
    const started = performance.now();
    let ok = false;
    try {
      const value = await run();
      ok = true;
      return value;
    } finally {
      this.call(kind, id, name, performance.now() - started, ok);
    }
  }

  denied(id: string, report: DenialReport): void {
    const denials = this.#get(id).denials;
    denials[report.permission] = (denials[report.permission] ?? 0) + 1;
  }

  /** What runs the plugin now: a worker thread, or something with a process id. */
  runner(id: string, runner: { worker?: Worker; pid?: () => number | undefined; measured?: () => Measured }): void {
    this.#get(id).runner = { ...runner };
    this.#startSampling();
  }

  forget(id: string): void {
    this.#plugins.delete(id);
  }

  close(): void {
    clearInterval(this.#timer);
    this.#timer = undefined;
  }

  snapshot(plugins: PluginInfo[], queue: (id: string) => QueueView | undefined): RuntimeMetrics {
    const now = Date.now();
    return {
      at: now,
      plugins: plugins.map((info) => {
        const record = this.#get(info.id);
        const q = queue(info.id);
        const pid = record.runner?.pid?.();
        const m: PluginMetrics = {
          id: info.id,
          state: info.state,
          stateSeconds: Math.max(0, (now - info.since) / 1000),
          isolation: info.isolation,
          restarts: info.restarts,
          crashReasons: { ...record.crashReasons },
          hostCalls: structuredClone(record.hostCalls),
          actions: structuredClone(record.actions),
          tasks: structuredClone(record.tasks),
          events: { queued: q?.queued ?? 0, inFlight: q?.inFlight ?? 0, dropped: q?.droppedTotal ?? info.droppedEvents, accepted: q?.accepted ?? 0, queuedBytes: q?.queuedBytes ?? 0 },
          denials: { ...record.denials },
          memory: { ...record.memory },
        };
        if (record.eventLoopUtilization !== undefined) m.eventLoopUtilization = record.eventLoopUtilization;
        if (pid !== undefined) m.pid = pid;
        return m;
      }),
    };
  }

  /** Sample every runner now (also run on the timer). */
  async sample(): Promise<void> {
    await Promise.all([...this.#plugins.values()].map(async (record) => {
      const runner = record.runner;
      if (!runner) return;
      if (runner.measured) {
        const measured = runner.measured();
        if (measured.eventLoopUtilization !== undefined) record.eventLoopUtilization = measured.eventLoopUtilization;
        record.memory = { ...measured.memory };
      }
      if (runner.worker) {
        const worker = runner.worker;
        try {
          const elu = worker.performance.eventLoopUtilization();
          const delta = runner.elu ? worker.performance.eventLoopUtilization(elu, runner.elu) : elu;
          runner.elu = elu;
          record.eventLoopUtilization = delta.utilization;
        } catch {
          // The worker is gone; the next state change clears the runner.
        }
        // Worker#getHeapStatistics exists from Node 22.16 / 24; on older lines heap stays unknown.
        const heap = (worker as Worker & { getHeapStatistics?: () => Promise<Record<string, number>> }).getHeapStatistics;
        if (typeof heap === 'function') {
          try {
            const stats = await heap.call(worker);
            if (record.runner === runner) record.memory = { heapUsed: stats['used_heap_size'], heapTotal: stats['total_heap_size'], external: stats['external_memory'] };
          } catch {
            // Exited between the check and the call.
          }
        }
      }
      const pid = runner.pid?.();
      if (pid !== undefined) {
        const rss = residentBytes(pid);
        if (rss !== undefined) record.memory = { ...record.memory, rss };
      }
    }));
  }

  #startSampling(): void {
    if (this.#timer) return;
    this.#timer = setInterval(() => void this.sample(), this.#sampleMs);
    this.#timer.unref();
  }
}

/** Resident memory of `pid` in bytes, from /proc (undefined where there is none). */
function residentBytes(pid: number): number | undefined {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}
