/**
 * What every gate module shares: the plugin's Policy, the file descriptors the plugin
 * opened itself, the processes it started, and a patcher that replaces a property of a
 * builtin module while remembering how to put it back (the teardown).
 */
import { isMainThread } from 'node:worker_threads';
import type { LoaderConfig } from '../loader/hooks.js';
import type { DenialReport, SandboxData } from '../../sdk/kernel/sandbox-data.js';
import type { Policy } from '../../sdk/kernel/policy.js';
import {
  MapPrototypeDelete,
  MapPrototypeGet,
  MapPrototypeHas,
  MapPrototypeSet,
  ObjectDefineProperty,
  ObjectGetOwnPropertyDescriptor,
  SafeMap,
  SafeSet,
  SetPrototypeAdd,
  SetPrototypeHas,
} from '../../sdk/kernel/primordials.js';

export type Teardown = () => void;

/**
 * Descriptors the plugin opened (fd → opened for writing?). Descriptors are numbers
 * shared by every thread of the process: one the plugin did not open is the host's
 * (its log file, its sockets, its stdin), so fd-taking calls accept only these.
 */
export class OwnedFds {
  readonly #fds = new SafeMap<number, boolean>();

  add(fd: number, writable: boolean): void {
    MapPrototypeSet(this.#fds, fd, writable);
  }

  has(fd: number): boolean {
    return MapPrototypeHas(this.#fds, fd);
  }

  writable(fd: number): boolean {
    return MapPrototypeGet(this.#fds, fd) === true;
  }

  delete(fd: number): void {
    MapPrototypeDelete(this.#fds, fd);
  }
}

export interface GateContext {
  policy: Policy;
  /**
   * Whether descriptors 1 and 2 are the plugin's own: in a process-isolated plugin's
   * main thread they are its pipes to the host; in a worker they are the host's own
   * stdout and stderr (writing there would forge the host's log lines).
   */
  ownStdio: boolean;
  /** What the plugin was given, passed on to its nested workers. */
  sandbox: SandboxData;
  loader: LoaderConfig;
  report(report: DenialReport): void;
  fds: OwnedFds;
  /**
   * A descriptor of /dev/null, opened by the native layer past the gates the first time
   * it is asked for (-1 where it cannot): what a WASI guest gets instead of the host's
   * stdio. It stays open for the thread's life (at most one per thread).
   */
  devNull(): number;
  /** Pids of the processes the plugin started (it may signal those). */
  children: Set<number>;
  addChild(pid: number): void;
  isChild(pid: number): boolean;
}

export function createGateContext(policy: Policy, sandbox: SandboxData, loader: LoaderConfig, report: (r: DenialReport) => void): GateContext {
  const children = new SafeSet<number>();
  return {
    policy,
    ownStdio: isMainThread,
    sandbox,
    loader,
    report,
    fds: new OwnedFds(),
    devNull: () => -1,
    children,
    addChild: (pid) => { SetPrototypeAdd(children, pid); },
    isChild: (pid) => SetPrototypeHas(children, pid),
  };
}

/** Replaces properties and records how to restore them. */
export class Patcher {
  readonly #restore: Teardown[] = [];

  /** Replace `target[key]` (a data property) by `value`, keeping its attributes. */
  set(target: object, key: PropertyKey, value: unknown): void {
    const descriptor = ObjectGetOwnPropertyDescriptor(target, key);
    if (descriptor && !('value' in descriptor)) throw new Error(`cannot gate accessor ${String(key)}`);
    if (typeof value === 'function' && typeof descriptor?.value === 'function' && value !== descriptor.value) keepShape(value, descriptor.value);
    ObjectDefineProperty(target, key, {
      value,
      writable: descriptor?.writable ?? true,
      enumerable: descriptor?.enumerable ?? false,
      configurable: descriptor?.configurable ?? true,
    });
    this.#restore.push(() => {
      if (descriptor) ObjectDefineProperty(target, key, descriptor);
      else delete (target as Record<PropertyKey, unknown>)[key];
    });
  }

  /** Make `target[key]` a data property holding `value`, whatever it was (e.g. a lazy global). */
  define(target: object, key: PropertyKey, value: unknown): void {
    const descriptor = ObjectGetOwnPropertyDescriptor(target, key);
    ObjectDefineProperty(target, key, { value, writable: true, enumerable: descriptor?.enumerable ?? false, configurable: true });
    this.#restore.push(() => {
      if (descriptor) ObjectDefineProperty(target, key, descriptor);
      else delete (target as Record<PropertyKey, unknown>)[key];
    });
  }

  /** Replace an accessor (getter/setter pair). */
  accessor(target: object, key: PropertyKey, get: () => unknown, set?: (value: unknown) => void): void {
    const descriptor = ObjectGetOwnPropertyDescriptor(target, key);
    ObjectDefineProperty(target, key, { get, set, enumerable: descriptor?.enumerable ?? true, configurable: true });
    this.#restore.push(() => {
      if (descriptor) ObjectDefineProperty(target, key, descriptor);
      else delete (target as Record<PropertyKey, unknown>)[key];
    });
  }

  teardown(): Teardown {
    const steps = this.#restore.splice(0);
    return () => {
      for (let i = steps.length - 1; i >= 0; i--) steps[i]!();
    };
  }
}

/**
 * Give a wrapper its original's name and symbol-keyed properties (util.promisify's
 * custom forms: `fs.exists`'s calls `fs.exists` again, `fs.read`'s is a list of names).
 */
function keepShape(wrapper: object, original: object): void {
  try {
    ObjectDefineProperty(wrapper, 'name', { value: (original as { name?: unknown }).name, configurable: true });
    for (const symbol of Object.getOwnPropertySymbols(original)) {
      if (!Object.hasOwn(wrapper, symbol)) ObjectDefineProperty(wrapper, symbol, ObjectGetOwnPropertyDescriptor(original, symbol)!);
    }
  } catch {
    // A Proxy around the original forwards these to it already.
  }
}

/** Index of the last function among `args` (a Node callback), or -1. */
export function lastCallbackIndex(args: unknown[]): number {
  for (let i = args.length - 1; i >= 0; i--) if (typeof args[i] === 'function') return i;
  return -1;
}

/** The last function among `args` (a Node callback), if any. */
export function lastCallback(args: unknown[]): ((...a: unknown[]) => unknown) | undefined {
  const index = lastCallbackIndex(args);
  return index === -1 ? undefined : args[index] as (...a: unknown[]) => unknown;
}
