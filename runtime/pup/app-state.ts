/**
 * The host's state in the shape of Pup's `ApiApplicationState` (what `getState()`
 * answers and `application_state` carries every second), plus a few fields Pup lacks:
 * CPU time, uptime and the versions of Node.js and its engines.
 */
import { readFileSync } from 'node:fs';
import { freemem, loadavg, release, totalmem, uptime } from 'node:os';
import type { ApiApplicationState, ApiProcessInformation, ApiSystemMemory } from '../../sdk/kernel/pup-api-definitions.js';

export interface HostState extends ApiApplicationState {
  /** CPU time used by the host process, in microseconds. */
  cpuUsage: { user: number; system: number };
  /** Seconds since the host process started. */
  uptime: number;
  versions: { node: string; v8: string; paddock: string };
}

// Deno's systemMemoryInfo (what Pup reports) reads `free` from MemFree, not MemAvailable.
const MEMINFO_FIELDS: Record<string, keyof ApiSystemMemory> = {
  MemFree: 'free', MemAvailable: 'available', Buffers: 'buffers', Cached: 'cached', SwapTotal: 'swapTotal', SwapFree: 'swapFree',
};

/** System memory in bytes. On Linux the details come from /proc/meminfo; elsewhere they are 0. */
export function systemMemory(): ApiSystemMemory {
  const memory: ApiSystemMemory = { total: totalmem(), free: freemem(), available: freemem(), buffers: 0, cached: 0, swapTotal: 0, swapFree: 0 };
  if (process.platform !== 'linux') return memory;
  let text: string;
  try {
    text = readFileSync('/proc/meminfo', 'utf8');
  } catch {
    // Not readable (a sandbox, an odd kernel): the portable figures above stay.
    return memory;
  }
  for (const line of text.split('\n')) {
    const match = /^(\w+):\s+(\d+) kB/.exec(line);
    const field = match && MEMINFO_FIELDS[match[1]!];
    if (field) memory[field] = Number(match[2]) * 1024;
  }
  return memory;
}

export function applicationState(input: { started: Date; version: string; processes: ApiProcessInformation[] }): HostState {
  const { rss, heapTotal, heapUsed, external } = process.memoryUsage();
  const { user, system } = process.cpuUsage();
  return {
    pid: process.pid,
    version: input.version,
    status: 'RUNNING',
    updated: new Date().toISOString(),
    started: input.started.toISOString(),
    memory: { rss, heapTotal, heapUsed, external },
    port: 0,
    systemMemory: systemMemory(),
    loadAvg: loadavg(),
    osUptime: uptime(),
    osRelease: `${process.platform} ${release()}`,
    runtime: `node ${process.version}`,
    type: 'main',
    processes: input.processes,
    cpuUsage: { user, system },
    uptime: process.uptime(),
    versions: { node: process.versions.node, v8: process.versions.v8, paddock: input.version },
  };
}
