/**
 * Plugin processes must not outlive the host, however it ends. A host that exits runs
 * its 'exit' handlers and a closing IPC channel ends a Node child that still turns its
 * loop; but a host killed by SIGKILL or aborted by V8 runs nothing, and a child that
 * ignores its stdin's end (an rpc plugin), or whose loop is blocked, keeps running.
 *
 * So each such process gets a watchdog: a POSIX shell, in a process group of its own,
 * blocked reading a pipe whose write end only the host holds. The kernel closes that end
 * when the host is gone, for whatever reason; `read` returns and the shell SIGKILLs the
 * plugin's process (or its whole group). When the plugin ends first, the host kills the
 * watchdog. Under the OS wall bwrap's --die-with-parent does the same job from inside
 * the kernel; this covers everything else on POSIX. Windows: not covered.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import type { Socket } from 'node:net';

const SCRIPT = 'read _; kill -s KILL -- "$1" 2>/dev/null';

/** Kill `child` (with `group`: its process group, when it leads one) when this process is gone. */
export function killWithHost(child: ChildProcess, { group }: { group: boolean }): ChildProcess | undefined {
  if (process.platform === 'win32' || child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return undefined;
  const target = group ? `-${child.pid}` : String(child.pid);
  const dog = spawn('/bin/sh', ['-c', SCRIPT, 'paddock-watchdog', target], {
    stdio: ['pipe', 'ignore', 'ignore'],
    // Its own group: a signal to the host's group does not take the watchdog with it.
    detached: true,
    env: {},
  });
  // No shell: nothing watches, as before; the host's own exit handlers still run.
  dog.on('error', () => undefined);
  // Neither the watchdog nor its pipe keeps the host alive.
  dog.unref();
  (dog.stdin as Socket | null)?.unref();
  dog.stdin?.on('error', () => undefined);
  child.once('exit', () => {
    if (dog.exitCode === null && dog.signalCode === null) dog.kill('SIGKILL');
  });
  return dog;
}
