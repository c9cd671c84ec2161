/**
 * Gate for `child_process` (run). Every asynchronous start (spawn, exec, execFile,
 * fork, and anything built on them) goes through `ChildProcess.prototype.spawn`,
 * gated here; the synchronous ones are gated one by one. A command name is replaced
 * by the absolute path the host resolved for it, so a PATH the plugin sets cannot
 * make "ls" mean a script of its own. Children inherit only the plugin's own
 * (filtered) environment unless the plugin passes another.
 *
 * Granting a program grants whatever that program can do: a shell or `node` is
 * full access.
 */
import childProcess from 'node:child_process';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { ownList, ownRecord } from './options.js';
import { ArrayIsArray, ObjectGetOwnPropertyNames, ReflectApply } from '../../sdk/kernel/primordials.js';

const SAFE = ['ChildProcess', 'spawn', 'exec', 'execFile', 'fork'];

export function gateChildProcess(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const cp = childProcess as unknown as Record<string, unknown>;

  function checkStdio(stdio: unknown): void {
    if (!ArrayIsArray(stdio)) return;
    for (let i = 0; i < stdio.length; i++) {
      const entry = stdio[i];
      // 0-2 are what 'inherit' passes (the child shares the process's stdio, as with 'inherit');
      // any other number is a descriptor that must be the plugin's.
      if (typeof entry === 'number' && entry > 2 && !ctx.fds.has(entry) && !policy.all('ffi')) {
        policy.deny('ffi', `file descriptor ${entry}`, 'permissions.ffi: true; the plugin did not open it');
      }
    }
  }

  const prototype = childProcess.ChildProcess.prototype as unknown as { spawn: (options: unknown) => unknown; pid?: number };
  const spawn = prototype.spawn;
  patch.set(prototype, 'spawn', function (this: { pid?: number }, options: unknown) {
    if (typeof options !== 'object' || options === null) return ReflectApply(spawn, this, [options]);
    // Own fields read once (options.ts): an inherited or changing `file` is not what runs.
    const copy = ownRecord(options);
    copy.args = ownList(copy.args);
    copy.envPairs = ownList(copy.envPairs);
    copy.stdio = ownList(copy.stdio);
    if (typeof copy.file === 'string') copy.file = policy.command(copy.file);
    checkStdio(copy.stdio);
    const result = ReflectApply(spawn, this, [copy]);
    if (typeof this.pid === 'number') ctx.addChild(this.pid);
    return result;
  });

  /** spawnSync / execFileSync (file, args?, options?) and execSync (command, options?). */
  function syncGate(name: 'spawnSync' | 'execFileSync' | 'execSync') {
    const original = cp[name] as (...args: unknown[]) => unknown;
    patch.set(cp, name, function (this: unknown, ...args: unknown[]) {
      const shellAlways = name === 'execSync';
      const optionsIndex = shellAlways ? 1 : (ArrayIsArray(args[1]) ? 2 : (typeof args[1] === 'object' && args[1] !== null ? 1 : 2));
      const options = ownRecord(args[optionsIndex]);
      args[optionsIndex] = options;
      if (optionsIndex === 1 && !shellAlways) args[2] = undefined;
      checkStdio(options.stdio);
      if (shellAlways || options.shell) {
        const shell = typeof options.shell === 'string' ? options.shell : '/bin/sh';
        options.shell = policy.command(shell);
      } else if (typeof args[0] === 'string') {
        if (options.argv0 === undefined) options.argv0 = args[0];
        args[0] = policy.command(args[0]);
      }
      if (optionsIndex === 1 && !shellAlways) {
        // (file, options): keep Node's shape, with an empty argument list.
        args[2] = options;
        args[1] = [];
      }
      return ReflectApply(original, this, args);
    });
  }
  syncGate('spawnSync');
  syncGate('execFileSync');
  syncGate('execSync');

  // _forkChild(fd) turns a descriptor into an IPC channel; anything unknown needs run: true.
  for (const key of ObjectGetOwnPropertyNames(cp)) {
    if (SAFE.includes(key) || key === 'spawnSync' || key === 'execFileSync' || key === 'execSync') continue;
    const original = cp[key];
    if (typeof original !== 'function') continue;
    patch.set(cp, key, function (this: unknown, ...args: unknown[]) {
      policy.requireAll(key === '_forkChild' ? 'ffi' : 'run', `child_process.${key}`);
      return ReflectApply(original as (...a: unknown[]) => unknown, this, args);
    });
  }
  return patch.teardown();
}
