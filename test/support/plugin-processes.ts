/**
 * The Node processes of process-isolated plugins, as the host sees them: inside the OS
 * wall a plugin calls itself pid 1, so tests find its host pid among this process's
 * descendants by the entry it runs.
 */
import { readdirSync, readFileSync } from 'node:fs';

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
  } catch {
    return undefined;
  }
}

function descends(pid: number, ancestor: number): boolean {
  for (let at: number | undefined = pid, hops = 0; at !== undefined && at > 1 && hops < 32; at = parentOf(at), hops++) {
    if (at === ancestor) return true;
  }
  return false;
}

/** Pids of running plugin processes (the Node of workers/bundle/process-child.js, not bwrap) under `ancestor`. */
export function pluginProcesses(ancestor = process.pid): number[] {
  const out: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    let cmdline: string[];
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8').split('\0');
      const state = /^State:\s+(\S)/m.exec(readFileSync(`/proc/${name}/status`, 'utf8'))?.[1];
      if (state === 'Z') continue;
    } catch {
      continue;
    }
    const entry = cmdline.findIndex((arg) => arg.endsWith('/workers/bundle/process-child.js'));
    if (entry < 0 || cmdline.includes('--')) continue; // bwrap's own command line ends in `-- node … entry`
    if (descends(pid, ancestor)) out.push(pid);
  }
  return out;
}

export function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return !/^State:\s+Z/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}
