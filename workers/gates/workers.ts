/**
 * Gate for threads. A nested `Worker` inherits the plugin's sandbox: it starts on
 * workers/nested-worker.js, which installs the same gates and module policy before
 * importing the plugin's file (hooks and patches are per thread, nothing is inherited
 * by itself). Its heap and stack are capped at the plugin's own limits; flags
 * (execArgv) and eval workers are refused, since both would run code before the gates.
 * At most `limits.maxNestedWorkers` run at once, and a nested worker starts none, so a
 * plugin's threads are bounded by construction. Their external memory counts against
 * the plugin's (workers/external-memory.ts): each reports its own, and where Node reads
 * it from outside the thread (22.16+, 24+) the gate reads it too. A worker counts as
 * gone when its end of the gate's report channel closes, which only its exit does.
 *
 * BroadcastChannel, postMessageToThread and Web Locks reach every thread of the
 * process, the host's included: sys "threads".
 */
import workerThreads from 'node:worker_threads';
import { paddockError } from '../../sdk/errors.js';
import type { DenialReport } from '../../sdk/kernel/sandbox-data.js';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { ownList, ownRecord } from './options.js';
import { forgetNestedMemory, recordNestedMemory } from '../external-memory.js';
import { absolutePath, pathArgument } from '../../sdk/kernel/paths.js';
import {
  ArrayIsArray,
  fileURLToPath,
  MathMax,
  ObjectGetPrototypeOf,
  ObjectKeys,
  pathToFileURL,
  PromisePrototypeThen,
  ReflectApply,
  ReflectConstruct,
  SafeProxy,
  StringPrototypeStartsWith,
} from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;

export const NESTED_MARK = 'paddock:nested-worker';
const NESTED_ENTRY = new URL('../nested-worker.js', import.meta.url);

/**
 * What the gate gives a nested worker, posted on a MessagePort the gate creates (never
 * in `workerData`, which the plugin writes): the worker's `workerData` holds only that
 * port, and workers/nested-worker.js takes this record from it before any other code.
 */
export interface NestedInit {
  mark: typeof NESTED_MARK;
  sandbox: GateContext['sandbox'];
  loader: GateContext['loader'];
  /** URL of the module the plugin asked to run. */
  target: string;
  /** The plugin's own workerData. */
  workerData: unknown;
  reports: workerThreads.MessagePort;
}

/** The nested worker's `workerData`: the port its init record waits on. */
export interface NestedHandoff {
  mark: typeof NESTED_MARK;
  port: workerThreads.MessagePort;
}

/** Node's permission model is on in this process (process.permission exists only then). */
const permissionModel = typeof (process as unknown as { permission?: unknown }).permission === 'object';

// Captured when the gates load: plugin code could replace them on the prototype later.
const MessagePortPostMessage = workerThreads.MessagePort.prototype.postMessage;
const MessagePortClose = workerThreads.MessagePort.prototype.close;
// The module's export is writable: a channel the plugin substituted could queue a forged sandbox first.
const SafeMessageChannel = workerThreads.MessageChannel;
const WorkerGetHeapStatistics = (workerThreads.Worker.prototype as { getHeapStatistics?: () => Promise<{ external_memory: number }> }).getHeapStatistics;
const SafeSetInterval = setInterval;
const SafeClearInterval = clearInterval;
const MathRound = Math.round;
/** How often a nested worker's external memory is read from outside it (22.16+, 24+). */
const MEMORY_POLL_MS = 250;

function unsupported(plugin: string, what: string, why: string): Error {
  return paddockError('PADDOCK_ERR_SANDBOX_UNSUPPORTED', { plugin, what, why });
}

export function gateWorkers(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const plugin = policy.plugin;
  const limits = ctx.sandbox.nestedLimits;
  const maxThreads = ctx.sandbox.nestedWorkers ?? 0;
  let live = 0;

  const Worker = workerThreads.Worker as unknown as new (...args: unknown[]) => workerThreads.Worker;
  const gatedWorker = new SafeProxy(Worker, {
    construct(cls, args, newTarget) {
      // Own fields read once (options.ts): what is checked here is what Node reads.
      const options = ownRecord(args[1]);
      if (options.eval) throw unsupported(plugin, 'a Worker with eval: true', 'put the code in a file and pass its path or URL');
      const execArgv = ownList(options.execArgv);
      if (execArgv !== undefined && !(ArrayIsArray(execArgv) && execArgv.length === 0)) {
        throw unsupported(plugin, 'a Worker with execArgv', 'flags would apply before the sandbox of the new thread');
      }
      const filename = args[0];
      let target: string;
      if (typeof filename === 'string' && StringPrototypeStartsWith(filename, 'data:')) {
        target = filename;
      } else {
        const text = typeof filename === 'string' && StringPrototypeStartsWith(filename, 'file:')
          ? fileURLToPath(filename)
          : pathArgument(filename);
        if (text === undefined) throw new TypeError('The "filename" argument must be a string or a URL');
        target = pathToFileURL(policy.path(absolutePath(text), { read: true })).href;
      }
      if (live >= maxThreads) throw paddockError('PADDOCK_ERR_THREAD_LIMIT', { plugin, limit: maxThreads });
      const reports = new SafeMessageChannel();
      // Identity of this worker in the memory registry; only this closure holds it.
      const key = {};
      let reported = 0;
      let measured = 0;
      let poll: NodeJS.Timeout | undefined;
      let gone = false;
      const release = () => {
        if (gone) return;
        gone = true;
        live--;
        forgetNestedMemory(key);
        if (poll !== undefined) SafeClearInterval(poll);
      };
      live++;
      reports.port1.on('message', (report: DenialReport | number) => {
        if (typeof report === 'number') {
          reported = report;
          recordNestedMemory(key, reported > measured ? reported : measured);
        } else {
          ctx.report(report);
        }
      });
      reports.port1.on('close', release);
      reports.port1.unref();
      // The plugin's transferables travel with its workerData, on the gate's own channel.
      const transferList: unknown[] = [];
      const given = ownList(options.transferList);
      if (ArrayIsArray(given)) for (let i = 0; i < given.length; i++) transferList[i] = given[i];
      transferList[transferList.length] = reports.port2;
      const init: NestedInit = {
        // A nested worker starts none of its own: the plugin's threads stay bounded.
        mark: NESTED_MARK, sandbox: { ...ctx.sandbox, nestedWorkers: 0 }, loader: ctx.loader, target, workerData: options.workerData, reports: reports.port2,
      };
      const handoff = new SafeMessageChannel();
      ReflectApply(MessagePortPostMessage, handoff.port1, [init, transferList]);
      ReflectApply(MessagePortClose, handoff.port1, []);
      options.workerData = { mark: NESTED_MARK, port: handoff.port2 } satisfies NestedHandoff;
      options.transferList = [handoff.port2];
      // Under Node's permission model (a process-isolated plugin) a Worker given any
      // execArgv, even [], runs without it (Node 20 to 26): inherit the process's flags.
      if (permissionModel) delete options.execArgv;
      else options.execArgv = ['--enable-source-maps'];
      const requested = ownRecord(options.resourceLimits);
      for (const key of ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'stackSizeMb'] as const) {
        const cap = limits[key];
        if (cap === undefined) continue;
        const asked = typeof requested[key] === 'number' ? requested[key] as number : cap;
        requested[key] = MathMax(0, asked < cap ? asked : cap);
      }
      options.resourceLimits = requested;
      // The new thread's environment is always a copy made here (SHARE_ENV too), without the
      // variables Node itself reads as a thread starts: NODE_OPTIONS would run a --require or
      // --import before the thread's gates (and widen a process-isolated plugin's permission
      // flags), NODE_COMPILE_CACHE would write where it names, NODE_PATH and others steer
      // loading. Node's own variables are all NODE_* (NODE_ENV, read only by libraries, stays).
      const source = ownRecord(typeof options.env === 'object' && options.env !== null ? options.env : process.env);
      const env = ownRecord(undefined);
      const names = ObjectKeys(source);
      for (let i = 0; i < names.length; i++) {
        const name = names[i]!;
        if (StringPrototypeStartsWith(name, 'NODE_') && name !== 'NODE_ENV') continue;
        env[name] = source[name];
      }
      options.env = env;
      let worker: workerThreads.Worker;
      try {
        worker = ReflectConstruct(cls, [NESTED_ENTRY, options], newTarget) as workerThreads.Worker;
      } catch (error) {
        release();
        reports.port1.close();
        throw error;
      }
      if (typeof WorkerGetHeapStatistics === 'function') {
        let asking = false;
        poll = SafeSetInterval(() => {
          if (asking || gone) return;
          asking = true;
          PromisePrototypeThen(ReflectApply(WorkerGetHeapStatistics, worker, []) as Promise<{ external_memory: number }>, (stats) => {
            asking = false;
            measured = MathRound(stats.external_memory / 1_048_576);
            if (!gone) recordNestedMemory(key, reported > measured ? reported : measured);
          }, () => {
            asking = false; // exiting; its channel's close releases it
          });
        }, MEMORY_POLL_MS);
        poll.unref();
      }
      return worker;
    },
  });
  patch.set(workerThreads, 'Worker', gatedWorker);
  // The real class is otherwise one `prototype.constructor` away.
  patch.set(Worker.prototype, 'constructor', gatedWorker);

  const threads = (what: string): void => {
    if (!policy.maySys('threads')) policy.deny('sys', what, 'permissions.sys: ["threads"]');
  };
  const BroadcastChannel = workerThreads.BroadcastChannel as unknown as new (...args: unknown[]) => unknown;
  const gatedBroadcast = new SafeProxy(BroadcastChannel, {
    construct(cls, args, newTarget) {
      threads('BroadcastChannel');
      return ReflectConstruct(cls, args, newTarget);
    },
  });
  patch.set(workerThreads, 'BroadcastChannel', gatedBroadcast);
  patch.set(BroadcastChannel.prototype, 'constructor', gatedBroadcast);
  patch.define(globalThis, 'BroadcastChannel', gatedBroadcast);
  const postMessageToThread = (workerThreads as unknown as { postMessageToThread?: AnyFunction }).postMessageToThread;
  if (typeof postMessageToThread === 'function') {
    patch.set(workerThreads, 'postMessageToThread', function (this: unknown, ...args: unknown[]) {
      threads('postMessageToThread');
      return ReflectApply(postMessageToThread, this, args);
    });
  }
  const locks = (workerThreads as unknown as { locks?: object }).locks;
  if (typeof locks === 'object' && locks !== null) {
    const proto = ObjectGetPrototypeOf(locks) as Record<string, unknown>;
    for (const key of ['request', 'query']) {
      const original = proto[key];
      if (typeof original !== 'function') continue;
      patch.set(proto, key, function (this: unknown, ...args: unknown[]) {
        threads(`locks.${key}`);
        return ReflectApply(original as AnyFunction, this, args);
      });
    }
  }
  return patch.teardown();
}
