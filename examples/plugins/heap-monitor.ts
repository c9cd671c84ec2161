/**
 * Heap monitor: a Heartbeat-style MonitorPlugin, collected every `interval` seconds
 * (the entry's `collector.interval`, else 10 here). It measures its own worker: heap
 * in use and how busy its event loop was since the last collection.
 */
import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { MonitorPlugin } from 'paddock-runtime/sdk';

export class PupPlugin extends MonitorPlugin {
  override meta = { name: 'heap-monitor', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/paddock/examples/plugins/heap-monitor' };
  override interval = 10;
  #last = performance.eventLoopUtilization();

  override collect() {
    // Its own heap (V8's figures for this thread); process.memoryUsage() is the whole
    // process's, host information that needs sys ["resourceUsage"].
    const { used_heap_size: heapUsed, total_heap_size: heapTotal } = getHeapStatistics();
    const now = performance.eventLoopUtilization();
    const busy = performance.eventLoopUtilization(now, this.#last).utilization;
    this.#last = now;
    return { heapUsedMb: +(heapUsed / 1048576).toFixed(1), heapTotalMb: +(heapTotal / 1048576).toFixed(1), eventLoopBusy: +busy.toFixed(3) };
  }
}
