/**
 * Ends this process at once: used when the runtime is gone (the IPC channel closed), so
 * that nothing of a plugin outlives it.
 *
 * Not `process.exit()`: it joins the worker threads, and one blocked in a system call
 * would hold it for good. A SIGKILL to itself ends the process with every thread, except
 * where this process is pid 1 of its own pid namespace (inside the OS wall, bwrap's
 * `--as-pid-1`): the kernel ignores signals that pid 1 sends itself and has no handler
 * for. There `abort()` ends it (the C library falls back to a fault the kernel delivers
 * even to pid 1), with stderr closed first so no crash report reaches the plugin's log.
 *
 * Everything is captured when this module is evaluated, before plugin code runs: in a
 * process plugin the plugin shares this `process` (and the gates check `process.kill`).
 */
import { closeSync } from 'node:fs';
import { constants } from 'node:os';

const rawKill = (process as unknown as { _kill: (pid: number, signal: number) => number })._kill.bind(process);
const abort = process.abort.bind(process);
const close = closeSync;
const pid = process.pid;
const SIGKILL = constants.signals.SIGKILL;

export function endNow(): void {
  if (pid !== 1) {
    rawKill(pid, SIGKILL);
    return;
  }
  try {
    close(2);
  } catch {
    // already closed
  }
  abort();
}
