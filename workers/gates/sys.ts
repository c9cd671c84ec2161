/**
 * Gate for system information (sys), with Deno's kinds: `os` functions and the
 * process's user and group ids. What is not listed here (a function a future Node
 * adds to `os`) needs `sys: true`.
 */
import os from 'node:os';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { ObjectGetOwnPropertyNames, ReflectApply } from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;

const OS_KINDS: Record<string, string> = {
  hostname: 'hostname', release: 'osRelease', version: 'osRelease', uptime: 'osUptime', loadavg: 'loadavg',
  networkInterfaces: 'networkInterfaces', totalmem: 'systemMemoryInfo', freemem: 'systemMemoryInfo',
  cpus: 'cpus', homedir: 'homedir', userInfo: 'userInfo', getPriority: 'getPriority', setPriority: 'setPriority',
};
/** Facts about the platform and runtime every program may know. */
const OS_SAFE = ['arch', 'platform', 'type', 'endianness', 'machine', 'tmpdir', 'availableParallelism'];
const PROCESS_KINDS: Record<string, string> = { getuid: 'uid', geteuid: 'uid', getgid: 'gid', getegid: 'gid', getgroups: 'gid' };

export function gateSys(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const target = os as unknown as Record<string, unknown>;
  for (const key of ObjectGetOwnPropertyNames(target)) {
    const original = target[key];
    if (typeof original !== 'function' || OS_SAFE.includes(key)) continue;
    const kind = OS_KINDS[key];
    patch.set(os, key, function (this: unknown, ...args: unknown[]) {
      if (kind === undefined) policy.requireAll('sys', `os.${key}`);
      else policy.sys(kind);
      return ReflectApply(original as AnyFunction, this, args);
    });
  }
  const proc = process as unknown as Record<string, unknown>;
  for (const key of ObjectGetOwnPropertyNames(PROCESS_KINDS)) {
    const original = proc[key];
    if (typeof original !== 'function') continue;
    const kind = PROCESS_KINDS[key]!;
    patch.set(process, key, function (this: unknown, ...args: unknown[]) {
      policy.sys(kind);
      return ReflectApply(original as AnyFunction, this, args);
    });
  }
  return patch.teardown();
}
