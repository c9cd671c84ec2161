/**
 * Gate for `fs` and `fs/promises`: every function that takes a path checks it
 * against read/write (after resolving `..` and symbolic links) and receives the real
 * path it was checked for; every function that takes a file descriptor accepts only
 * one the plugin opened (descriptors are shared with the host's threads). Functions
 * this file does not know are refused unless read and write are both unrestricted,
 * and so is `localStorage`, a file of the host's.
 */
import fs from 'node:fs';
import { Patcher, lastCallback, lastCallbackIndex, type GateContext, type Teardown } from './context.js';
import { invalidPath } from '../../sdk/kernel/paths.js';
import { ownRecord } from './options.js';
import {
  isUint8Array,
  ObjectGetOwnPropertyDescriptor,
  ObjectGetOwnPropertyNames,
  ObjectGetPrototypeOf,
  ObjectHasOwn,
  processNextTick,
  PromisePrototypeThen,
  PromiseReject,
  ReflectApply,
  ReflectConstruct,
  SafeWeakSet,
  StringPrototypeIncludes,
  WeakSetPrototypeAdd,
  WeakSetPrototypeHas,
} from '../../sdk/kernel/primordials.js';

/** r/w: a path read/written; l: the entry itself, not where a link leads; R/W: a path or a descriptor; fd/fdw: a descriptor read/written. */
type Spec = 'r' | 'w' | 'rl' | 'wl' | 'rwl' | 'R' | 'W' | 'fd' | 'fdw' | '-';

/** Functions by base name; each exists as name (callback), nameSync and promises.name where Node has them. */
const PATH_FUNCTIONS: Record<string, Spec[]> = {
  access: ['r'], stat: ['r'], lstat: ['rl'], statfs: ['r'], readdir: ['r'], opendir: ['r'],
  readlink: ['rl'], realpath: ['r'], copyFile: ['r', 'w'], rename: ['wl', 'wl'],
  // A hard link shares the inode: linking a file into a writable folder must not make it writable.
  link: ['rwl', 'wl'],
  unlink: ['wl'], rm: ['wl'], rmdir: ['wl'], mkdir: ['w'], truncate: ['W'],
  chmod: ['w'], lchmod: ['wl'], chown: ['w'], lchown: ['wl'], utimes: ['w'], lutimes: ['wl'],
  fstat: ['fd'], fsync: ['fdw'], fdatasync: ['fdw'], ftruncate: ['fdw'], futimes: ['fdw'],
  fchmod: ['fdw'], fchown: ['fdw'], read: ['fd'], readv: ['fd'], write: ['fdw'], writev: ['fdw'],
  watch: ['r'], watchFile: ['r'], unwatchFile: ['r'], openAsBlob: ['r'],
};

/** Handled one by one below. */
const SPECIAL = ['open', 'close', 'readFile', 'writeFile', 'appendFile', 'exists', 'createReadStream', 'createWriteStream', 'cp', 'symlink', 'glob', 'mkdtemp'];

/** Exports that are not capabilities (classes reach files only through the gated functions). */
const SAFE = [
  'Stats', 'Dirent', 'Dir', 'ReadStream', 'WriteStream', 'FileReadStream', 'FileWriteStream', 'StatsFs',
  '_toUnixTimestamp', 'constants', 'promises',
];

const { O_CREAT = 0x40, O_TRUNC = 0x200, O_APPEND = 0x400 } = fs.constants;

type Style = 'callback' | 'sync' | 'promise';

/** What opening with `flags` (string or number) needs. */
export function flagAccess(flags: unknown, fallback: string): { read: boolean; write: boolean } {
  const value = flags === undefined || flags === null ? fallback : flags;
  if (typeof value === 'number') {
    const mode = value & 3;
    return { read: mode !== 1, write: mode !== 0 || (value & (O_CREAT | O_TRUNC | O_APPEND)) !== 0 };
  }
  if (typeof value === 'string') {
    const plus = StringPrototypeIncludes(value, '+');
    const writes = StringPrototypeIncludes(value, 'w') || StringPrototypeIncludes(value, 'a');
    return { read: plus || !writes, write: plus || writes };
  }
  return { read: true, write: true };
}

export function gateFs(ctx: GateContext): Teardown {
  const { policy, fds } = ctx;
  const patch = new Patcher();
  const fsp = fs.promises as unknown as Record<string, unknown>;
  const sync = fs as unknown as Record<string, unknown>;
  /** FileHandles from the gated promises.open: the only handles accepted in place of a path. */
  const handles = new SafeWeakSet<object>();
  const writableHandles = new SafeWeakSet<object>();
  let handlePrototypePatched = false;

  function checkFd(fd: unknown, write: boolean): void {
    if (typeof fd !== 'number') return; // Node refuses anything but an integer itself
    if (fds.has(fd)) {
      if (write && !fds.writable(fd)) policy.deny('write', `file descriptor ${fd}`, 'permissions.write (it was opened for reading only)');
      return;
    }
    // stdout/stderr, where they are the plugin's own (see GateContext.ownStdio).
    if (write && ctx.ownStdio && (fd === 1 || fd === 2)) return;
    if (policy.all('ffi')) return;
    policy.deny('ffi', `file descriptor ${fd}`, 'permissions.ffi: true; the plugin did not open it');
  }

  function checkHandle(value: unknown): void {
    if (!WeakSetPrototypeHas(handles, value as object)) throw invalidPath('path');
  }

  function prepare(args: unknown[], specs: Spec[]): unknown[] {
    for (let i = 0; i < specs.length; i++) {
      const spec = specs[i]!;
      const value = args[i];
      switch (spec) {
        case 'r': args[i] = policy.path(value, { read: true }); break;
        case 'w': args[i] = policy.path(value, { write: true }); break;
        case 'rl': args[i] = policy.path(value, { read: true }, false); break;
        case 'wl': args[i] = policy.path(value, { write: true }, false); break;
        case 'rwl': args[i] = policy.path(value, { read: true, write: true }, false); break;
        case 'R': if (typeof value === 'number') checkFd(value, false); else args[i] = policy.path(value, { read: true }); break;
        case 'W': if (typeof value === 'number') checkFd(value, true); else args[i] = policy.path(value, { write: true }); break;
        case 'fd': checkFd(value, false); break;
        case 'fdw': checkFd(value, true); break;
        case '-': break;
        default: { const never: never = spec; throw new Error(`unknown spec ${String(never)}`); }
      }
    }
    return args;
  }

  function refuse(style: Style, args: unknown[], error: unknown): unknown {
    if (style === 'promise') return PromiseReject(error);
    if (style === 'callback') {
      const callback = lastCallback(args);
      if (callback) {
        processNextTick(callback, error);
        return undefined;
      }
    }
    throw error;
  }

  /** Wrap `original` so `before` checks (and rewrites) the arguments first. */
  function gated(original: (...a: unknown[]) => unknown, style: Style, before: (args: unknown[]) => unknown[], after?: (result: unknown, args: unknown[]) => unknown) {
    return function (this: unknown, ...args: unknown[]): unknown {
      let checked: unknown[];
      try {
        checked = before(args);
      } catch (error) {
        return refuse(style, args, error);
      }
      const result = ReflectApply(original, this, checked);
      return after ? after(result, checked) : result;
    };
  }

  function wrapAll(name: string, before: (args: unknown[], style: Style) => unknown[]): void {
    const variants: Array<[Record<string, unknown>, string, Style]> = [
      [sync, name, name === 'openAsBlob' ? 'promise' : 'callback'],
      [sync, `${name}Sync`, 'sync'],
      // promises.watch returns an async iterator, not a promise: refuse by throwing.
      [fsp, name, name === 'watch' ? 'sync' : 'promise'],
    ];
    for (const [target, key, style] of variants) {
      const original = target[key];
      if (typeof original !== 'function' || !ObjectHasOwn(target, key)) continue;
      patch.set(target, key, gated(original as (...a: unknown[]) => unknown, style, (args) => before(args, style)));
    }
  }

  // realpath.native / realpathSync.native are separate functions, on the functions replaced below.
  const natives = {
    realpath: (fs.realpath as unknown as { native?: (...a: unknown[]) => unknown }).native,
    realpathSync: (fs.realpathSync as unknown as { native?: (...a: unknown[]) => unknown }).native,
  };

  // ── functions with a fixed argument shape ──────────────────────────────────
  for (const name of ObjectGetOwnPropertyNames(PATH_FUNCTIONS)) {
    const specs = PATH_FUNCTIONS[name]!;
    wrapAll(name, (args) => prepare(args, specs));
  }
  for (const key of ['realpath', 'realpathSync'] as const) {
    const original = natives[key];
    const wrapper = sync[key] as { native?: unknown };
    if (typeof original === 'function') wrapper.native = gated(original, key === 'realpath' ? 'callback' : 'sync', (args) => prepare(args, ['r']));
  }

  // ── open / close: track the descriptors the plugin owns ────────────────────
  const openArgs = (args: unknown[]) => {
    const flags = typeof args[1] === 'function' ? undefined : args[1];
    const access = flagAccess(flags, 'r');
    args[0] = policy.path(args[0], access);
    return access;
  };
  {
    const open = fs.open as unknown as (...a: unknown[]) => unknown;
    patch.set(fs, 'open', function (this: unknown, ...args: unknown[]) {
      let access: { write: boolean };
      try {
        access = openArgs(args);
      } catch (error) {
        return refuse('callback', args, error);
      }
      const index = lastCallbackIndex(args);
      if (index !== -1) {
        const callback = args[index] as (error: unknown, fd: unknown) => unknown;
        args[index] = (error: unknown, fd: unknown) => {
          if (error == null && typeof fd === 'number') fds.add(fd, access.write);
          return ReflectApply(callback, undefined, [error, fd]);
        };
      }
      return ReflectApply(open, this, args);
    });
    const openSync = fs.openSync as unknown as (...a: unknown[]) => unknown;
    patch.set(fs, 'openSync', function (this: unknown, ...args: unknown[]) {
      const access = openArgs(args);
      const fd = ReflectApply(openSync, this, args);
      if (typeof fd === 'number') fds.add(fd, access.write);
      return fd;
    });
    const openPromise = fsp.open as (...a: unknown[]) => Promise<object>;
    patch.set(fsp, 'open', function (this: unknown, ...args: unknown[]) {
      let access: { write: boolean };
      try {
        access = openArgs(args);
      } catch (error) {
        return PromiseReject(error);
      }
      return PromisePrototypeThen(ReflectApply(openPromise, this, args) as Promise<object>, (handle: object) => {
        WeakSetPrototypeAdd(handles, handle);
        if (access.write) WeakSetPrototypeAdd(writableHandles, handle);
        gateHandlePrototype(handle);
        return handle;
      });
    });
    const close = fs.close as unknown as (...a: unknown[]) => unknown;
    const closeSync = fs.closeSync as unknown as (...a: unknown[]) => unknown;
    const closeArgs = (args: unknown[]) => {
      checkFd(args[0], false);
      if (typeof args[0] === 'number') fds.delete(args[0]);
      return args;
    };
    patch.set(fs, 'close', gated(close, 'callback', closeArgs));
    patch.set(fs, 'closeSync', gated(closeSync, 'sync', closeArgs));
  }

  /** Metadata changes through a handle opened for reading would bypass write. */
  function gateHandlePrototype(handle: object): void {
    if (handlePrototypePatched) return;
    handlePrototypePatched = true;
    const proto = ObjectGetPrototypeOf(handle) as Record<string, unknown>;
    for (const key of ['chmod', 'chown', 'utimes', 'truncate']) {
      const original = proto[key];
      if (typeof original !== 'function') continue;
      patch.set(proto, key, function (this: object, ...args: unknown[]) {
        if (!WeakSetPrototypeHas(writableHandles, this)) {
          try {
            policy.deny('write', 'a file handle opened for reading', 'permissions.write (it was opened for reading only)');
          } catch (error) {
            return PromiseReject(error);
          }
        }
        return ReflectApply(original as (...a: unknown[]) => unknown, this, args);
      });
    }
  }

  // ── readFile / writeFile / appendFile: a path, a descriptor or a FileHandle, and a flag ──
  const fileFunction = (name: string, optionsIndex: number, fallbackFlag: string) => {
    wrapAll(name, (args, style) => {
      let options = args[optionsIndex];
      // Own fields read once (options.ts): an inherited `flag` is neither decided on nor used.
      if (typeof options === 'object' && options !== null && !isUint8Array(options)) {
        options = ownRecord(options);
        args[optionsIndex] = options;
      }
      const flag = typeof options === 'object' && options !== null ? (options as { flag?: unknown }).flag : undefined;
      const access = flagAccess(flag, fallbackFlag);
      const target = args[0];
      if (typeof target === 'number') checkFd(target, access.write);
      else if (style === 'promise' && typeof target === 'object' && target !== null && WeakSetPrototypeHas(handles, target)) return args;
      else args[0] = policy.path(target, access);
      return args;
    });
  };
  fileFunction('readFile', 1, 'r');
  fileFunction('writeFile', 2, 'w');
  fileFunction('appendFile', 2, 'a');

  // ── exists: a denied path simply does not exist (nothing is revealed) ─────
  {
    const existsSync = fs.existsSync as (path: unknown) => boolean;
    patch.set(fs, 'existsSync', function (path: unknown) {
      let real: string;
      try {
        real = policy.path(path, { read: true });
      } catch {
        return false; // denied (and reported): answer like Node's own permission model
      }
      return existsSync(real);
    });
    const exists = fs.exists as unknown as (path: unknown, cb: (found: boolean) => void) => void;
    patch.set(fs, 'exists', function (path: unknown, callback: (found: boolean) => void) {
      let real: string;
      try {
        real = policy.path(path, { read: true });
      } catch {
        if (typeof callback === 'function') processNextTick(callback, false);
        return;
      }
      exists(real, callback);
    });
  }

  // ── streams: a path, or a descriptor/FileHandle the plugin owns ────────────
  const streamFunction = (name: 'createReadStream' | 'createWriteStream', write: boolean) => {
    const original = fs[name] as unknown as (...a: unknown[]) => unknown;
    patch.set(fs, name, gated(original, 'sync', (args) => {
      let options = args[1];
      if (typeof options === 'object' && options !== null) {
        options = ownRecord(options);
        args[1] = options;
      }
      const fd = typeof options === 'object' && options !== null ? (options as { fd?: unknown }).fd : undefined;
      if (fd !== undefined && fd !== null) {
        if (typeof fd === 'number') checkFd(fd, write);
        else checkHandle(fd);
        return args;
      }
      const flags = typeof options === 'object' && options !== null ? (options as { flags?: unknown }).flags : undefined;
      args[0] = policy.path(args[0], flagAccess(flags, write ? 'w' : 'r'));
      return args;
    }));
  };
  streamFunction('createReadStream', false);
  streamFunction('createWriteStream', true);

  // ── routes that can plant or follow links anywhere: unrestricted read and write only ──
  for (const name of ['cp', 'symlink']) {
    wrapAll(name, (args) => {
      policy.requireAll('read', `fs.${name}`);
      policy.requireAll('write', `fs.${name}`);
      return args;
    });
  }
  wrapAll('glob', (args) => {
    policy.requireAll('read', 'fs.glob');
    return args;
  });
  // mkdtemp(prefix): the new folder is the prefix plus six characters.
  wrapAll('mkdtemp', (args) => {
    args[0] = policy.path(args[0], { write: true }, false);
    return args;
  });

  // ── localStorage (Web Storage: Node ≥ 25, 22 and 24 with a flag) is the host's own
  // SQLite file (--localstorage-file), shared by every thread of the process: like
  // node:sqlite, it needs unrestricted read and write. Where the host gave no file Node
  // answers undefined (and warns), as it would without the gates; sessionStorage is
  // per thread.
  const storage = ObjectGetOwnPropertyDescriptor(globalThis, 'localStorage');
  if (storage && typeof storage.get === 'function') {
    const getStorage = storage.get;
    const setStorage = storage.set;
    patch.accessor(globalThis, 'localStorage', () => {
      const store = ReflectApply(getStorage, globalThis, []);
      if (store !== undefined && store !== null) {
        policy.requireAll('read', 'localStorage (the host\'s Web Storage file)');
        policy.requireAll('write', 'localStorage (the host\'s Web Storage file)');
      }
      return store;
    }, setStorage ? (value) => { ReflectApply(setStorage, globalThis, [value]); } : undefined);
  }

  // ── anything else that is a function: refused unless fs is unrestricted ───
  const known = new Set([...ObjectGetOwnPropertyNames(PATH_FUNCTIONS), ...SPECIAL, ...SAFE]);
  const isKnown = (key: string) => known.has(key) || (key.endsWith('Sync') && known.has(key.slice(0, -4)));
  for (const [target, prefix] of [[sync, 'fs'], [fsp, 'fs/promises']] as const) {
    for (const key of ObjectGetOwnPropertyNames(target)) {
      if (isKnown(key)) continue;
      const descriptor = Object.getOwnPropertyDescriptor(target, key);
      if (!descriptor || !('value' in descriptor) || typeof descriptor.value !== 'function') continue;
      const original = descriptor.value as (...a: unknown[]) => unknown;
      patch.set(target, key, function (this: unknown, ...args: unknown[]) {
        policy.requireAll('read', `${prefix}.${key}`);
        policy.requireAll('write', `${prefix}.${key}`);
        return new.target ? ReflectConstruct(original, args, new.target) : ReflectApply(original, this, args);
      });
    }
  }

  return patch.teardown();
}
