/**
 * Gate for `process` itself: the routes to native code and internals (binding,
 * _linkedBinding, dlopen → ffi), signals (kill → run: only the plugin's own children
 * without `run: true`; the worker shares the host's pid), starting the host's
 * inspector (_debugProcess), replacing the process (execve), loading env files
 * (read), builtins by name (getBuiltinModule → the same table as import/require)
 * and diagnostic reports (they list the real environment and system details).
 */
import { format } from 'node:util';
import { checkBuiltin } from './builtins.js';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { ObjectDefineProperty, ObjectFreeze, ObjectGetOwnPropertyDescriptor, processPid, ReflectApply } from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;

export function gateProcess(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const proc = process as unknown as Record<string, unknown>;

  const replace = (key: string, make: (original: AnyFunction) => AnyFunction) => {
    const original = proc[key];
    if (typeof original === 'function') patch.set(process, key, make(original as AnyFunction));
  };

  for (const key of ['binding', '_linkedBinding']) {
    replace(key, (original) => function (this: unknown, ...args: unknown[]) {
      policy.requireAll('ffi', `process.${key}(${typeof args[0] === 'string' ? JSON.stringify(args[0]) : ''})`);
      return ReflectApply(original, this, args);
    });
  }
  replace('dlopen', (original) => function (this: unknown, ...args: unknown[]) {
    args[1] = policy.ffiPath(args[1]);
    return ReflectApply(original, this, args);
  });

  const checkSignal = (pid: unknown) => {
    const n = typeof pid === 'number' ? pid : +`${pid as string}`;
    if (n > 0 && ctx.isChild(n)) return n;
    policy.requireAll('run', n === processPid ? `process ${n} (the host itself)` : `process ${n}`);
    return n;
  };
  for (const key of ['kill', '_kill']) {
    replace(key, (original) => function (this: unknown, ...args: unknown[]) {
      args[0] = checkSignal(args[0]);
      return ReflectApply(original, this, args);
    });
  }
  // _debugProcess(pid) turns on the inspector of another process (the host's, say).
  for (const key of ['_debugProcess', '_debugEnd', 'execve']) {
    replace(key, (original) => function (this: unknown, ...args: unknown[]) {
      policy.requireAll('run', `process.${key}`);
      return ReflectApply(original, this, args);
    });
  }
  replace('loadEnvFile', (original) => function (this: unknown, ...args: unknown[]) {
    args[0] = policy.path(args[0] === undefined ? '.env' : args[0], { read: true });
    return ReflectApply(original, this, args);
  });
  replace('getBuiltinModule', (original) => function (this: unknown, ...args: unknown[]) {
    if (typeof args[0] !== 'string') args[0] = `${args[0] as string}`;
    checkBuiltin(policy, args[0] as string);
    return ReflectApply(original, this, args);
  });

  // _rawDebug writes straight to descriptor 2: in a worker, the host's stderr, past the
  // capture that tags the plugin's lines. Send it through the plugin's own stderr.
  if (!ctx.ownStdio) {
    replace('_rawDebug', () => function (...args: unknown[]) {
      process.stderr.write(`${ReflectApply(format, undefined, args) as string}\n`);
    });
  }

  // process.report: the report lists every variable of the real environment and the
  // host's system details, and its settings are process-wide.
  const reportDescriptor = ObjectGetOwnPropertyDescriptor(process, 'report');
  if (reportDescriptor) {
    const realReport = () => (reportDescriptor.get ? reportDescriptor.get.call(process) : reportDescriptor.value) as Record<string, unknown>;
    const guard = (what: string) => {
      policy.requireAll('sys', what);
      policy.requireAll('env', what);
    };
    const facade: Record<string, unknown> = {};
    for (const key of ['getReport', 'writeReport']) {
      facade[key] = function (...args: unknown[]) {
        guard(`process.report.${key}`);
        if (key === 'writeReport') {
          if (typeof args[0] === 'string') args[0] = policy.path(args[0], { write: true });
          else policy.requireAll('write', 'process.report.writeReport into the host\'s report folder');
        }
        const report = realReport();
        return ReflectApply(report[key] as AnyFunction, report, args);
      };
    }
    for (const key of ['directory', 'filename', 'compact', 'signal', 'reportOnFatalError', 'reportOnSignal', 'reportOnUncaughtException', 'excludeNetwork', 'excludeEnv']) {
      ObjectDefineProperty(facade, key, {
        enumerable: true,
        get: () => realReport()[key],
        set: (value: unknown) => {
          // Turning automatic reports off is harmless (the REPL does it); on, they would
          // write the environment into the host's folder behind the gates' back.
          const harmless = (key.startsWith('reportOn') || key === 'compact') && !value;
          if (!harmless) guard(`process.report.${key}`);
          realReport()[key] = value;
        },
      });
    }
    ObjectFreeze(facade);
    patch.accessor(process, 'report', () => facade);
  }

  // The title is the host's command line (which may carry secrets); setting it renames the host.
  const titleDescriptor = ObjectGetOwnPropertyDescriptor(process, 'title');
  if (titleDescriptor) {
    const title = () => (titleDescriptor.get ? titleDescriptor.get.call(process) : titleDescriptor.value) as string;
    patch.accessor(process, 'title', () => (policy.all('sys') ? title() : 'node'), (value) => {
      policy.requireAll('sys', 'process.title');
      if (titleDescriptor.set) titleDescriptor.set.call(process, value);
    });
  }
  return patch.teardown();
}
