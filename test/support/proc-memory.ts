/** Memory of a process measured from outside, as the kernel counts it (Linux /proc). */
import { readFileSync } from 'node:fs';

/** Peak resident memory of a process (VmHWM), in MB. */
export function peakRssMb(pid: number): number {
  return Number(/VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? NaN) / 1024;
}
