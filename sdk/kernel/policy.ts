/**
 * The decision half of the gates: given a plugin's SandboxData, may it read this
 * path, connect to that host, run this command? A refusal throws PermissionDenied
 * (PADDOCK_ERR_PERMISSION_DENIED, naming the plugin, the access and the resource)
 * and is reported to the host.
 *
 * Written in the primordials style (see primordials.ts): plugin code runs in the
 * same realm and must not be able to change an answer by patching built-ins.
 */
import { paddockError } from '../errors.js';
import type { DenialReport, Grant, PermissionGrant, PermissionName, SandboxData } from './sandbox-data.js';
import { normalizeHost, parseNetAddress } from './permissions/net-address.js';
import { permissionKind, type PermissionDescriptor } from './permissions/table.js';
import { absolutePath, invalidPath, isSpecialPath, isWithin, pathArgument, realPath, trimTrailingSeparator } from './paths.js';
import {
  ArrayPrototypePush,
  MapPrototypeGet,
  MapPrototypeHas,
  MapPrototypeSet,
  ObjectFreeze,
  ObjectKeys,
  SafeMap,
  StringPrototypeEndsWith,
  StringPrototypeIndexOf,
  StringPrototypeSlice,
  StringPrototypeStartsWith,
} from './primordials.js';

export type Reporter = (report: DenialReport) => void;

type PathList = true | string[];

function copyList(grant: Grant): true | string[] {
  if (grant === true) return true;
  const out: string[] = [];
  for (let i = 0; i < grant.length; i++) ArrayPrototypePush(out, grant[i]!);
  return out;
}

export { isPermissionGrant } from './permissions/table.js';
export { normalizeHost, parseNetAddress };

function displayAddress(host: string, port: number | undefined): string {
  if (port === undefined || port < 0) return host;
  return StringPrototypeIndexOf(host, ':') === -1 ? `${host}:${port}` : `[${host}]:${port}`;
}

export class Policy {
  readonly plugin: string;
  readonly grant: PermissionGrant;
  readonly codeDir: string;
  readonly dataDir: string;
  readonly #report: Reporter;
  readonly #readable: PathList;
  readonly #writable: PathList;
  readonly #ffi: PathList;
  readonly #net: true | Array<[string, number]>;
  readonly #env: true | string[];
  readonly #run: true | string[];
  readonly #commands = new SafeMap<string, string>();
  readonly #commandPaths: string[] = [];
  readonly #sys: true | string[];
  /** Paths a default folder may contain but does not open (the data root, the config file). */
  readonly #hidden: string[];
  /** What the grant itself names (a hidden path opens only through these). */
  readonly #explicitRead: PathList;
  readonly #explicitWrite: PathList;
  /** The last real path `path()` let through, and for what (see `approved`). */
  #approvedPath: string | undefined = undefined;
  #approvedRead = false;
  #approvedWrite = false;
  #approvedFollow = false;

  constructor(data: SandboxData, report: Reporter) {
    this.plugin = data.plugin;
    this.grant = data.grant;
    this.codeDir = data.codeDir;
    this.dataDir = data.dataDir;
    this.#report = report;
    const g = data.grant;
    // Readable: the grant, the plugin's own code and data, the SDK and its dependencies,
    // and what `import` allows (loading a module discloses its content anyway).
    if (g.read === true || g.import === true) {
      this.#readable = true;
    } else {
      const readable: string[] = [data.codeDir, data.dataDir];
      for (let i = 0; i < data.moduleDirs.length; i++) ArrayPrototypePush(readable, data.moduleDirs[i]!);
      for (let i = 0; i < g.read.length; i++) ArrayPrototypePush(readable, g.read[i]!);
      for (let i = 0; i < g.import.length; i++) ArrayPrototypePush(readable, g.import[i]!);
      this.#readable = readable;
    }
    if (g.write === true) {
      this.#writable = true;
    } else {
      const writable: string[] = [data.dataDir];
      for (let i = 0; i < g.write.length; i++) ArrayPrototypePush(writable, g.write[i]!);
      this.#writable = writable;
    }
    this.#hidden = copyList(data.hidden ?? []) as string[];
    this.#explicitWrite = copyList(g.write);
    if (g.read === true || g.import === true) {
      this.#explicitRead = true;
    } else {
      const explicit: string[] = [];
      for (let i = 0; i < g.read.length; i++) ArrayPrototypePush(explicit, g.read[i]!);
      for (let i = 0; i < g.import.length; i++) ArrayPrototypePush(explicit, g.import[i]!);
      this.#explicitRead = explicit;
    }
    const lists: PathList[] = [this.#readable, this.#writable];
    for (const list of lists) {
      if (list !== true) for (let i = 0; i < list.length; i++) list[i] = trimTrailingSeparator(list[i]!);
    }
    this.#ffi = copyList(g.ffi);
    if (g.net === true) {
      this.#net = true;
    } else {
      const net: Array<[string, number]> = [];
      for (let i = 0; i < g.net.length; i++) ArrayPrototypePush(net, parseNetAddress(g.net[i]!));
      this.#net = net;
    }
    this.#env = copyList(g.env);
    this.#run = copyList(g.run);
    const names = ObjectKeys(data.commands);
    for (let i = 0; i < names.length; i++) {
      MapPrototypeSet(this.#commands, names[i]!, data.commands[names[i]!]!);
      ArrayPrototypePush(this.#commandPaths, data.commands[names[i]!]!);
    }
    this.#sys = copyList(g.sys);
    ObjectFreeze(this);
  }

  /** Throw (and report) a denial. */
  deny(permission: PermissionName, resource: string, grant = `permissions.${permission}`, access = `${permission} access`): never {
    try {
      this.#report({ permission, access, resource });
    } catch {
      // Reporting is best effort; the refusal below is what protects the host.
    }
    throw paddockError('PADDOCK_ERR_PERMISSION_DENIED', { plugin: this.plugin, access, resource, grant }, { details: { permission } });
  }

  /** true when the whole permission is granted (`name: true`). */
  all(name: PermissionName): boolean {
    return this.grant[name] === true;
  }

  // ── paths ──────────────────────────────────────────────────────────────────

  mayReadReal(real: string): boolean {
    if (isSpecialPath(real)) return this.#ffi === true;
    if (this.#isHidden(real)) return inList(this.#explicitRead, real) || inList(this.#explicitWrite, real);
    return inList(this.#readable, real);
  }

  /**
   * May the plugin see the metadata (stat, lstat) of `real`? What it may read, and the
   * folders on the way to what it may read: Node's own path resolution (the JavaScript
   * fs.realpath the CommonJS loader uses) looks at each of them, and their names are in
   * the plugin's paths already.
   */
  mayStatReal(real: string): boolean {
    if (this.mayReadReal(real)) return true;
    if (isSpecialPath(real)) return false;
    const lists: PathList[] = [this.#readable, this.#writable];
    for (let l = 0; l < lists.length; l++) {
      const list = lists[l]!;
      if (list === true) return true;
      for (let i = 0; i < list.length; i++) if (isWithin(list[i]!, real)) return true;
    }
    return false;
  }

  mayWriteReal(real: string): boolean {
    if (isSpecialPath(real)) return this.#ffi === true;
    if (this.#isHidden(real)) return inList(this.#explicitWrite, real);
    return inList(this.#writable, real);
  }

  /**
   * Inside the data root (but outside the plugin's own data folder) or the config
   * file: a code folder that contains them does not open them, only a grant does.
   */
  #isHidden(real: string): boolean {
    if (isWithin(real, this.dataDir)) return false;
    return inList(this.#hidden, real);
  }

  /**
   * Check a path argument for `read` and/or `write` and return the real absolute path
   * to hand to the real function (so the path used is the path checked).
   */
  path(value: unknown, access: { read?: boolean; write?: boolean }, follow = true, what = 'path'): string {
    const text = pathArgument(value);
    if (text === undefined) throw invalidPath(what);
    const abs = absolutePath(text);
    const real = realPath(abs, follow);
    if (access.read && !this.mayReadReal(real)) this.#denyPath('read', abs, real);
    if (access.write && !this.mayWriteReal(real)) this.#denyPath('write', abs, real);
    this.#approvedPath = real;
    this.#approvedRead = access.read === true;
    this.#approvedWrite = access.write === true;
    this.#approvedFollow = follow;
    return real;
  }

  /**
   * Whether `real` is the real path `path()` just returned for at least this access:
   * a named gate hands that path on, and the native layer under it need not resolve
   * it again (the same decision; it would only see the same file system).
   */
  approved(real: string, access: { read?: boolean; write?: boolean }, follow: boolean): boolean {
    return real === this.#approvedPath && follow === this.#approvedFollow
      && (access.read !== true || this.#approvedRead) && (access.write !== true || this.#approvedWrite);
  }

  #denyPath(permission: 'read' | 'write', abs: string, real: string): never {
    const grant = isSpecialPath(real)
      ? 'permissions.ffi: true; it reaches the process itself or a device'
      : `permissions.${permission}`;
    // Name the path as the plugin wrote it (made absolute), never where a link leads.
    return this.deny(permission, abs, grant);
  }

  /** A native library for process.dlopen. */
  ffiPath(value: unknown): string {
    const text = pathArgument(value);
    if (text === undefined) throw invalidPath('filename');
    const abs = absolutePath(text);
    const real = realPath(abs, true);
    if (!inList(this.#ffi, real)) this.deny('ffi', abs);
    return real;
  }

  // ── network ────────────────────────────────────────────────────────────────

  mayConnect(host: string, port: number | undefined): boolean {
    if (this.#net === true) return true;
    const h = normalizeHost(host);
    for (let i = 0; i < this.#net.length; i++) {
      const entry = this.#net[i]!;
      if (entry[0] === h && (entry[1] === -1 || entry[1] === port)) return true;
    }
    return false;
  }

  /** May the plugin reach `host` on some port (for DNS lookups of the name)? */
  mayConnectHost(host: string): boolean {
    if (this.#net === true) return true;
    const h = normalizeHost(host);
    for (let i = 0; i < this.#net.length; i++) if (this.#net[i]![0] === h) return true;
    return false;
  }

  net(host: string, port: number | undefined): void {
    if (!this.mayConnect(host, port)) this.deny('net', displayAddress(normalizeHost(host), port));
  }

  // ── env, run, sys, ffi ─────────────────────────────────────────────────────

  mayReadEnv(name: string): boolean {
    if (this.#env === true) return true;
    for (let i = 0; i < this.#env.length; i++) {
      const entry = this.#env[i]!;
      if (entry === name) return true;
      if (StringPrototypeEndsWith(entry, '*') && StringPrototypeStartsWith(name, StringPrototypeSlice(entry, 0, -1))) return true;
    }
    return false;
  }

  /**
   * The executable to start for `file`: with a list grant, a command name becomes the
   * absolute path the host resolved (so a PATH set by the plugin cannot swap it), and
   * a path must be one of the granted programs.
   */
  command(file: string): string {
    if (this.#run === true) return file;
    if (StringPrototypeIndexOf(file, '/') === -1) {
      if (MapPrototypeHas(this.#commands, file)) return MapPrototypeGet(this.#commands, file)!;
      return this.deny('run', file);
    }
    const abs = absolutePath(file);
    const real = realPath(abs, true);
    for (let i = 0; i < this.#run.length; i++) if (this.#run[i] === real) return real;
    for (let i = 0; i < this.#commandPaths.length; i++) if (this.#commandPaths[i] === real) return real;
    return this.deny('run', abs);
  }

  /**
   * May the OS be asked to start the executable `file` (what a spawn hands to the
   * native layer, after `command` replaced a name by its path)? A bare name would be
   * searched in a PATH the plugin sets, so it passes only with `run: true`.
   */
  mayRunFile(file: string): boolean {
    if (this.#run === true) return true;
    if (StringPrototypeIndexOf(file, '/') === -1) return false;
    const abs = absolutePath(file);
    const real = realPath(abs, true);
    for (let i = 0; i < this.#run.length; i++) if (this.#run[i] === abs || this.#run[i] === real) return true;
    for (let i = 0; i < this.#commandPaths.length; i++) if (this.#commandPaths[i] === abs || this.#commandPaths[i] === real) return true;
    return false;
  }

  maySys(kind: string): boolean {
    if (this.#sys === true) return true;
    for (let i = 0; i < this.#sys.length; i++) if (this.#sys[i] === kind) return true;
    return false;
  }

  /** Refuse unless `kind` is granted; `route` (e.g. "os.hostname") is what the denial names. */
  sys(kind: string, route?: string): void {
    if (!this.maySys(kind)) this.deny('sys', route ?? kind, route === undefined ? 'permissions.sys' : `permissions.sys: ["${kind}"]`);
  }

  /** Routes with no narrower resource: they need the whole permission. */
  requireAll(name: PermissionName, resource: string): void {
    if (this.grant[name] !== true) this.deny(name, resource, `permissions.${name}: true`);
  }

  // ── queries from the SDK ───────────────────────────────────────────────────

  query(descriptor: PermissionDescriptor): 'granted' | 'denied' {
    const name = descriptor.name;
    const grant = this.grant[name];
    if (grant === undefined) throw new TypeError(`unknown permission ${JSON.stringify(name)}`);
    // The descriptor field that names the resource is the kind's (Deno's): path, host, variable, command, kind.
    const resource = (descriptor as unknown as Record<string, string | URL | undefined>)[permissionKind(name).resource];
    if (resource === undefined) return grant === true ? 'granted' : 'denied';
    switch (name) {
      case 'read':
      case 'import':
      case 'write': {
        const text = pathArgument(resource);
        if (text === undefined) throw new TypeError(`${name} queries take a path`);
        const real = realPath(absolutePath(text), true);
        return (name === 'write' ? this.mayWriteReal(real) : this.mayReadReal(real)) ? 'granted' : 'denied';
      }
      case 'ffi': {
        const text = pathArgument(resource);
        if (text === undefined) throw new TypeError('ffi queries take a path');
        return inList(this.#ffi, realPath(absolutePath(text), true)) ? 'granted' : 'denied';
      }
      case 'net': {
        const [host, port] = parseNetAddress(String(resource));
        return this.mayConnect(host, port < 0 ? undefined : port) ? 'granted' : 'denied';
      }
      case 'env':
        return this.mayReadEnv(String(resource)) ? 'granted' : 'denied';
      case 'run':
        try {
          this.#quietCommand(String(resource));
          return 'granted';
        } catch {
          return 'denied';
        }
      case 'sys':
        return this.maySys(String(resource)) ? 'granted' : 'denied';
      default: {
        const never: never = name;
        throw new TypeError(`unknown permission ${String(never)}`);
      }
    }
  }

  #quietCommand(file: string): void {
    if (this.#run === true) return;
    if (StringPrototypeIndexOf(file, '/') === -1) {
      if (!MapPrototypeHas(this.#commands, file)) throw new Error('denied');
      return;
    }
    const real = realPath(absolutePath(file), true);
    for (let i = 0; i < this.#run.length; i++) if (this.#run[i] === real) return;
    for (let i = 0; i < this.#commandPaths.length; i++) if (this.#commandPaths[i] === real) return;
    throw new Error('denied');
  }
}

function inList(list: PathList, real: string): boolean {
  if (list === true) return true;
  for (let i = 0; i < list.length; i++) if (isWithin(real, list[i]!)) return true;
  return false;
}
