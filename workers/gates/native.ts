/**
 * The native layer of the gates: checks where a capability is used, not where it is
 * named. Every public route to a socket, a process, a file or a DNS server (net, tls,
 * http, fetch, dgram, child_process, fs, a class reached through `prototype.constructor`
 * or through the parent of a subclass Node made earlier, a module's internal handle,
 * a route a future Node adds) ends in a method of one of Node's native handle classes
 * or in a function of the fs binding, looked up by property at call time. Those are
 * replaced here, in this thread, before plugin code runs, by versions that ask the
 * plugin's Policy first. The gates in the other files stay in front of them for their
 * clearer errors; this layer is the backstop.
 *
 * The binding objects come from `process.binding`, captured when this module loads
 * (gates/process.ts then refuses it to plugin code without `ffi: true`). It returns the
 * very objects Node's own lib/ uses for tcp_wrap, pipe_wrap, udp_wrap, process_wrap,
 * spawn_sync, fs, tty_wrap, cares_wrap and fs_event_wrap on Node 20 to 26 (checked
 * per line: docs/explanation/threat-model.md). Where `process.binding` is refused (Node's
 * permission model, in a process-isolated plugin) the handle prototypes are taken from
 * handles Node makes itself; what cannot be reached that way is covered there by
 * Node's permission model and is listed in the docs.
 *
 * Not gated here, on purpose: the fs binding's realpath and readlink (the gates' own
 * way of resolving a path; they disclose where a link leads, not a file's content, and
 * fs.realpath/readlink are gated in fs.ts) and the module loader's internal lookups
 * (internalModuleStat, internalModuleReadJSON, legacyMainResolve,
 * getFormatOfExtensionlessFile). Descriptors other than 0-2 taken by fs functions are
 * checked in fs.ts against the descriptors the plugin opened.
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import fs from 'node:fs';
import fsPromises from 'node:fs/promises';
import net from 'node:net';
import tls from 'node:tls';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { flagAccess } from './fs.js';
import { ownList, ownRecord, type OwnRecord } from './options.js';
import { absolutePath, pathArgument, realPath } from '../../sdk/kernel/paths.js';
import {
  ArrayIsArray,
  ArrayPrototypePush,
  isUint8Array,
  MapPrototypeGet,
  MapPrototypeSet,
  ObjectGetOwnPropertyNames,
  ObjectGetPrototypeOf,
  ReflectApply,
  ReflectConstruct,
  SafeMap,
  SafeProxy,
  StringPrototypeEndsWith,
  StringPrototypeStartsWith,
} from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;
type Methods = Record<string, unknown>;

/**
 * The runtime's own plugin-side folders (dist/workers, dist/sdk). Their source maps are
 * public code that Node reads to map a stack: Node 26 reads them lazily, when an error's
 * stack is first formatted in the plugin's thread, through the fs binding.
 */
const RUNTIME_DIST = realPath(absolutePath(decodeURIComponent(new URL('../../', import.meta.url).pathname)), true);
function isRuntimeSourceMap(path: string): boolean {
  if (!StringPrototypeEndsWith(path, '.js.map')) return false;
  let real: string;
  try {
    real = realPath(absolutePath(path), true);
  } catch {
    return false;
  }
  return StringPrototypeEndsWith(real, '.js.map')
    && (StringPrototypeStartsWith(real, `${RUNTIME_DIST}/workers/`) || StringPrototypeStartsWith(real, `${RUNTIME_DIST}/sdk/`));
}

// Captured when the gates load: process.binding is replaced by gates/process.ts.
const processBinding = (process as unknown as { binding: (name: string) => Methods }).binding;
const isIP = net.isIP;
const { O_RDWR } = fs.constants;
// The ungated open: only used where the fs binding itself is out of reach (see below).
const fsPromisesOpen = fsPromises.open;
const ownFile = new URL(import.meta.url);
const SafeWeakMap = WeakMap;
const WeakMapPrototypeGet = WeakMap.prototype.get;
const WeakMapPrototypeSet = WeakMap.prototype.set;

/** A binding object, or undefined where this Node line or Node's permission model refuses it. */
function binding(name: string): Methods | undefined {
  try {
    return ReflectApply(processBinding, process, [name]) as Methods;
  } catch {
    return undefined;
  }
}

/** What the layer found to gate in this thread (for the docs and the tests). */
export interface NativeReport {
  /** "tcp_wrap.TCP.prototype.connect", … */
  gated: string[];
  /** Binding objects or classes this thread could not reach. */
  unreachable: string[];
}

let lastReport: NativeReport = { gated: [], unreachable: [] };
let pending: Promise<void> = Promise.resolve();

/** Resolves once the native layer is complete (some classes are only reached asynchronously). */
export function nativeGatesReady(): Promise<void> {
  return pending;
}

/** The native operations gated in this thread by the last install. */
export function nativeReport(): NativeReport {
  return { gated: [...lastReport.gated], unreachable: [...lastReport.unreachable] };
}

/** The prototypes of the socket handle classes, from the bindings or from handles Node makes. */
function handlePrototypes(): { TCP?: Methods; Pipe?: Methods; UDP?: Methods } {
  const tcpWrap = binding('tcp_wrap');
  const pipeWrap = binding('pipe_wrap');
  const udpWrap = binding('udp_wrap');
  const result: { TCP?: Methods; Pipe?: Methods; UDP?: Methods } = {};
  if (tcpWrap) result.TCP = (tcpWrap.TCP as { prototype: Methods }).prototype;
  if (pipeWrap) result.Pipe = (pipeWrap.Pipe as { prototype: Methods }).prototype;
  if (udpWrap) result.UDP = (udpWrap.UDP as { prototype: Methods }).prototype;
  // net.Socket#connect makes its handle before it validates the port or the path.
  const probe = (options: object): Methods | undefined => {
    const socket = new net.Socket();
    try {
      socket.connect(options as net.NetConnectOpts);
    } catch {
      // expected: the invalid port or path
    }
    const handle = (socket as unknown as { _handle?: object | null })._handle;
    socket.destroy();
    return handle ? ObjectGetPrototypeOf(handle) as Methods : undefined;
  };
  result.TCP ??= probe({ port: -1 });
  result.Pipe ??= probe({ path: 1 });
  if (!result.UDP) {
    const socket = dgram.createSocket('udp4');
    const state = Object.getOwnPropertySymbols(socket)
      .map((key) => (socket as unknown as Record<symbol, { handle?: object }>)[key])
      .find((value) => typeof value === 'object' && value !== null && typeof value.handle === 'object');
    if (state?.handle) result.UDP = ObjectGetPrototypeOf(state.handle) as Methods;
    socket.close();
  }
  return result;
}

export function gateNative(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const gated: string[] = [];
  const unreachable: string[] = [];

  /** Replace `target[key]` (a function) by `make(original)`. */
  const wrap = (target: Methods | undefined, label: string, key: string, make: (original: AnyFunction) => AnyFunction) => {
    const original = target?.[key];
    if (typeof original !== 'function') {
      unreachable.push(`${label}.${key}`);
      return;
    }
    patch.set(target!, key, make(original as AnyFunction));
    gated.push(`${label}.${key}`);
  };
  /** A native class whose constructor takes a descriptor: gate `new`, on the binding and on its prototype. */
  const wrapConstructor = (holder: Methods | undefined, label: string, key: string, check: (args: unknown[]) => void) => {
    const original = holder?.[key] as (new (...args: unknown[]) => object) | undefined;
    if (typeof original !== 'function') {
      unreachable.push(`${label}.${key}`);
      return;
    }
    const proxy = new SafeProxy(original, {
      construct(cls, args, newTarget) {
        check(args);
        return ReflectConstruct(cls, args, newTarget);
      },
      apply(cls, self, args) {
        check(args);
        return ReflectApply(cls as unknown as AnyFunction, self, args);
      },
    });
    patch.set(holder!, key, proxy);
    patch.set(original.prototype, 'constructor', proxy);
    gated.push(`new ${label}.${key}`);
  };

  // ── descriptors ────────────────────────────────────────────────────────────
  /**
   * A descriptor the plugin did not open is the host's (in a worker, 0-2 are the host's
   * own stdin, stdout and stderr): only `ffi: true` may wrap or write it.
   */
  const checkFd = (fd: unknown): void => {
    if (typeof fd !== 'number') return;
    if (ctx.fds.has(fd)) return;
    if (ctx.ownStdio && fd >= 0 && fd <= 2) return;
    if (policy.all('ffi')) return;
    policy.deny('ffi', `file descriptor ${fd}`, 'permissions.ffi: true; the plugin did not open it');
  };
  /** A handle now owns the descriptor and closes it: forget it (its number will be reused). */
  const adopted = (fd: unknown, status: unknown): void => {
    if (typeof fd === 'number' && status === 0) ctx.fds.delete(fd);
  };
  const hostStdio = (fd: unknown): void => {
    if (!ctx.ownStdio && typeof fd === 'number' && fd >= 0 && fd <= 2 && !ctx.fds.has(fd)) checkFd(fd);
  };

  // ── network: addresses, and the names they were looked up from ─────────────
  /**
   * Grants name hosts ("localhost:8080"); sockets connect to addresses. An address
   * counts as a granted host's when a lookup of that host (gated: the name must be
   * granted) returned it in this thread.
   */
  let resolved = new SafeMap<string, string[]>();
  let resolvedCount = 0;
  const remember = (host: string, addresses: unknown): void => {
    if (!ArrayIsArray(addresses)) return;
    // Bounded: a plugin looking up many names starts over (its older addresses need a new lookup).
    if (resolvedCount > 10_000) {
      resolved = new SafeMap<string, string[]>();
      resolvedCount = 0;
    }
    for (let i = 0; i < addresses.length; i++) {
      const address = addresses[i];
      if (typeof address !== 'string') continue;
      const hosts = MapPrototypeGet(resolved, address);
      if (hosts === undefined) {
        MapPrototypeSet(resolved, address, [host]);
        resolvedCount++;
      } else {
        let known = false;
        for (let j = 0; j < hosts.length; j++) if (hosts[j] === host) known = true;
        if (!known) ArrayPrototypePush(hosts, host);
      }
    }
  };
  const mayReach = (address: string, port: number): boolean => {
    if (policy.mayConnect(address, port)) return true;
    const hosts = MapPrototypeGet(resolved, address);
    if (hosts) for (let i = 0; i < hosts.length; i++) if (policy.mayConnect(hosts[i]!, port)) return true;
    return false;
  };
  const reach = (address: unknown, port: unknown): void => {
    const host = `${address as string}`;
    const number = typeof port === 'number' ? port : +`${port as string}`;
    if (!mayReach(host, number)) policy.net(host, number);
  };
  /** Listening on every address: "::" and "0.0.0.0" are one grant. */
  const reachListening = (address: string, port: number): void => {
    if (mayReach(address, port)) return;
    if ((address === '::' || address === '0.0.0.0') && mayReach(address === '::' ? '0.0.0.0' : '::', port)) return;
    policy.net(address, port);
  };

  // ── TCP, Unix sockets and pipes, UDP ───────────────────────────────────────
  const { TCP, Pipe, UDP } = handlePrototypes();
  /** Where each TCP handle was bound (a bind to port 0 is checked when it listens). */
  const boundAt = new SafeWeakMap<object, [string, number]>();
  const opened = new SafeWeakMap<object, true>();
  const openFd = (label: string, proto: Methods | undefined) => wrap(proto, label, 'open', (open) => function (this: object, fd: unknown) {
    checkFd(fd);
    const status = ReflectApply(open, this, [fd]);
    adopted(fd, status);
    ReflectApply(WeakMapPrototypeSet, opened, [this, true]);
    return status;
  });

  openFd('TCP.prototype', TCP);
  for (const key of ['bind', 'bind6']) {
    wrap(TCP, 'TCP.prototype', key, (bind) => function (this: object, ...args: unknown[]) {
      const address = `${args[0] as string}`;
      const port = typeof args[1] === 'number' ? args[1] : +`${args[1] as string}`;
      args[0] = address;
      args[1] = port;
      // Port 0 is what a client's local address takes; a server is checked when it listens.
      if (port !== 0) reach(address, port);
      ReflectApply(WeakMapPrototypeSet, boundAt, [this, [address, port]]);
      return ReflectApply(bind, this, args);
    });
  }
  wrap(TCP, 'TCP.prototype', 'listen', (listen) => function (this: object, ...args: unknown[]) {
    const bound = ReflectApply(WeakMapPrototypeGet, boundAt, [this]) as [string, number] | undefined;
    // Bound to a port: checked at bind. Bound to port 0, or not bound at all (Node
    // listens on every address then): checked here.
    if (bound) {
      if (bound[1] === 0) reachListening(bound[0], bound[1]);
    } else if (!ReflectApply(WeakMapPrototypeGet, opened, [this])) reachListening('0.0.0.0', 0);
    return ReflectApply(listen, this, args);
  });
  for (const key of ['connect', 'connect6']) {
    wrap(TCP, 'TCP.prototype', key, (connect) => function (this: object, ...args: unknown[]) {
      args[1] = `${args[1] as string}`;
      args[2] = typeof args[2] === 'number' ? args[2] : +`${args[2] as string}`;
      reach(args[1], args[2]);
      return ReflectApply(connect, this, args);
    });
  }

  /** A Unix socket is a file (an abstract one, "\0name", is a name on the host's network stack). */
  const socketPath = (value: unknown, access: { read?: boolean; write?: boolean }, follow: boolean): unknown => {
    const text = pathArgument(typeof value === 'string' || isUint8Array(value) ? value : undefined);
    if (text === undefined) return value;
    if (StringPrototypeStartsWith(text, '\0')) {
      policy.requireAll('net', 'an abstract Unix socket');
      return value;
    }
    return policy.path(text, access, follow, 'path');
  };
  openFd('Pipe.prototype', Pipe);
  wrap(Pipe, 'Pipe.prototype', 'bind', (bind) => function (this: object, ...args: unknown[]) {
    args[0] = socketPath(args[0], { write: true }, false);
    return ReflectApply(bind, this, args);
  });
  wrap(Pipe, 'Pipe.prototype', 'connect', (connect) => function (this: object, ...args: unknown[]) {
    args[1] = socketPath(args[1], { read: true, write: true }, true);
    return ReflectApply(connect, this, args);
  });

  openFd('UDP.prototype', UDP);
  for (const key of ['bind', 'bind6']) {
    wrap(UDP, 'UDP.prototype', key, (bind) => function (this: object, ...args: unknown[]) {
      args[0] = `${args[0] as string}`;
      args[1] = typeof args[1] === 'number' ? args[1] : +`${args[1] as string}`;
      // An ephemeral port is what a client needs to send (Node binds one on the first send).
      if (args[1] !== 0) reach(args[0], args[1]);
      return ReflectApply(bind, this, args);
    });
  }
  for (const key of ['connect', 'connect6']) {
    wrap(UDP, 'UDP.prototype', key, (connect) => function (this: object, ...args: unknown[]) {
      args[0] = `${args[0] as string}`;
      args[1] = typeof args[1] === 'number' ? args[1] : +`${args[1] as string}`;
      reach(args[0], args[1]);
      return ReflectApply(connect, this, args);
    });
  }
  for (const key of ['send', 'send6']) {
    // (req, list, count, port, address, hasCallback), or (req, list, count, hasCallback) when connected.
    wrap(UDP, 'UDP.prototype', key, (send) => function (this: object, ...args: unknown[]) {
      if (args.length >= 5 && typeof args[3] === 'number') {
        args[4] = `${args[4] as string}`;
        reach(args[4], args[3]);
      }
      return ReflectApply(send, this, args);
    });
  }

  // Joining a multicast group makes the kernel announce it on the host's network (IGMP/MLD).
  for (const key of ['addMembership', 'dropMembership', 'addSourceSpecificMembership', 'dropSourceSpecificMembership']) {
    // (group, iface) or (source, group, iface): the group is the address the host announces.
    wrap(UDP, 'UDP.prototype', key, (join) => function (this: object, ...args: unknown[]) {
      const at = key === 'addMembership' || key === 'dropMembership' ? 0 : 1;
      const group = `${args[at] as string}`;
      args[at] = group;
      if (!policy.mayConnectHost(group)) policy.deny('net', group, 'permissions.net (joining a multicast group announces it on the network)');
      return ReflectApply(join, this, args);
    });
  }

  // ── TTY: a terminal on a descriptor ────────────────────────────────────────
  // tty.js reads TTY from the binding when it first loads; gates/net.ts loads it after this.
  wrapConstructor(binding('tty_wrap'), 'tty_wrap', 'TTY', (args) => checkFd(args[0]));

  // ── DNS: names sent to a server, and the servers themselves ────────────────
  const cares = binding('cares_wrap');
  wrap(cares, 'cares_wrap', 'getaddrinfo', (getaddrinfo) => function (this: unknown, ...args: unknown[]) {
    const req = args[0] as { oncomplete?: AnyFunction } | null;
    const host = `${args[1] as string}`;
    args[1] = host;
    // An address is answered by the system itself, without asking anyone.
    if (isIP(host) === 0 && !policy.mayConnectHost(host)) policy.deny('net', host, 'permissions.net (a lookup sends the name to a DNS server)');
    if (typeof req === 'object' && req !== null && typeof req.oncomplete === 'function' && !policy.all('net')) {
      const done = req.oncomplete;
      req.oncomplete = function (this: unknown, ...results: unknown[]) {
        if (results[0] === 0 || results[0] === null || results[0] === undefined) remember(host, results[1]);
        return ReflectApply(done, this, results);
      };
    }
    return ReflectApply(getaddrinfo, this, args);
  });
  // (req, address, port): a reverse lookup asks the system's resolver, which sends a
  // query naming the address to a DNS server: a channel out, whatever the address.
  wrap(cares, 'cares_wrap', 'getnameinfo', (getnameinfo) => function (this: unknown, ...args: unknown[]) {
    const address = `${args[1] as string}`;
    args[1] = address;
    if (!policy.mayConnectHost(address)) policy.deny('net', address, 'permissions.net (a reverse lookup sends the address to a DNS server)');
    return ReflectApply(getnameinfo, this, args);
  });
  if (typeof cares?.getaddrinfo !== 'function' && !policy.all('net')) {
    // No binding (a process under Node's permission model): net and dgram look names up
    // through the public dns.lookup; remember its answers there (gates/net.ts checks the name).
    const lookup = dns.lookup as unknown as AnyFunction;
    patch.set(dns, 'lookup', function (this: unknown, ...args: unknown[]) {
      const host = args[0];
      const index = args.length - 1;
      const callback = args[index];
      if (typeof host === 'string' && typeof callback === 'function') {
        args[index] = function (this: unknown, ...results: unknown[]) {
          if (results[0] === null || results[0] === undefined) {
            const found = results[1];
            if (typeof found === 'string') remember(host, [found]);
            else if (ArrayIsArray(found)) {
              const addresses: string[] = [];
              for (let i = 0; i < found.length; i++) {
                const entry = found[i] as { address?: unknown } | undefined;
                if (typeof entry?.address === 'string') ArrayPrototypePush(addresses, entry.address);
              }
              remember(host, addresses);
            }
          }
          return ReflectApply(callback as AnyFunction, this, results);
        };
      }
      return ReflectApply(lookup, this, args);
    });
    gated.push('dns.lookup (answers remembered)');
  }
  let channel = (cares?.ChannelWrap as { prototype?: Methods } | undefined)?.prototype;
  if (!channel) {
    const handle = (new dns.Resolver() as unknown as { _handle?: object })._handle;
    channel = handle ? ObjectGetPrototypeOf(handle) as Methods : undefined;
  }
  wrap(channel, 'ChannelWrap.prototype', 'setServers', (setServers) => function (this: object, ...args: unknown[]) {
    // [[family, address, port], …]: every query goes to these.
    const servers = ownList(args[0]);
    if (ArrayIsArray(servers)) {
      for (let i = 0; i < servers.length; i++) {
        const server = ownList(servers[i]);
        if (!ArrayIsArray(server)) continue;
        servers[i] = server;
        reach(server[1], typeof server[2] === 'number' && server[2] !== 0 ? server[2] : 53);
      }
    }
    args[0] = servers;
    return ReflectApply(setServers, this, args);
  });
  // The resolver's servers are host information (sys "networkInterfaces", as dns.getServers).
  // Node's own setServers calls this first to keep the old list for a rollback, so a
  // refusal here would make setServers need sys too: without the grant the handle answers
  // an empty list (a failed setServers then leaves the resolver with no servers, not the host's).
  wrap(channel, 'ChannelWrap.prototype', 'getServers', (getServers) => function (this: object, ...args: unknown[]) {
    if (!policy.maySys('networkInterfaces')) return [];
    return ReflectApply(getServers, this, args);
  });
  for (const key of channel ? ObjectGetOwnPropertyNames(channel) : []) {
    if (!StringPrototypeStartsWith(key, 'query') && key !== 'getHostByAddr') continue;
    // (req, name, ttl): the name goes to the DNS server, an address in a name (or a reverse lookup) too.
    wrap(channel, 'ChannelWrap.prototype', key, (query) => function (this: object, ...args: unknown[]) {
      const name = `${args[1] as string}`;
      args[1] = name;
      if (!policy.mayConnectHost(name)) policy.deny('net', name, 'permissions.net (a DNS query sends the name to a DNS server)');
      return ReflectApply(query, this, args);
    });
  }

  // ── TLS engines: OpenSSL loads a shared library (native code) ──────────────
  // From an empty context (cheap): process.binding('crypto') warns on Node 20 and is refused later.
  const secureContext = ObjectGetPrototypeOf((new (tls as unknown as { SecureContext: new () => { context: object } }).SecureContext()).context) as Methods;
  for (const key of ['setEngineKey', 'setClientCertEngine']) {
    wrap(secureContext, 'SecureContext.prototype', key, (original) => function (this: object, ...args: unknown[]) {
      policy.requireAll('ffi', `an OpenSSL engine (SecureContext.${key}: native code in this process)`);
      return ReflectApply(original, this, args);
    });
  }

  // ── processes ──────────────────────────────────────────────────────────────
  /** A spawn's stdio list, read once; any descriptor but 0-2 ('inherit') must be the plugin's. */
  const spawnStdio = (value: unknown): unknown => {
    const stdio = ownList(value);
    if (!ArrayIsArray(stdio)) return stdio;
    for (let i = 0; i < stdio.length; i++) {
      const entry = ownRecord(stdio[i]);
      stdio[i] = entry;
      if (entry.type === 'fd' && typeof entry.fd === 'number' && entry.fd > 2) checkFd(entry.fd);
    }
    return stdio;
  };
  const spawnFile = (file: unknown): void => {
    if (typeof file !== 'string' || !policy.mayRunFile(file)) policy.deny('run', `${file as string}`);
  };
  /** The options a spawn hands to the OS, read once; the executable and the descriptors checked. */
  const spawnOptions = (options: unknown): OwnRecord => {
    const record = ownRecord(options);
    record.args = ownList(record.args);
    record.envPairs = ownList(record.envPairs);
    record.stdio = spawnStdio(record.stdio);
    spawnFile(record.file);
    return record;
  };
  const processWrap = binding('process_wrap');
  wrap((processWrap?.Process as { prototype?: Methods } | undefined)?.prototype, 'Process.prototype', 'spawn', (spawn) => function (this: object, ...args: unknown[]) {
    // Node ≤ 22: spawn(options); Node ≥ 24: spawn(file, args, cwd, envPairs, stdio, flags, uid, gid).
    if (typeof args[0] === 'object' && args[0] !== null) return ReflectApply(spawn, this, [spawnOptions(args[0])]);
    spawnFile(args[0]);
    args[1] = ownList(args[1]);
    args[3] = ownList(args[3]);
    args[4] = spawnStdio(args[4]);
    return ReflectApply(spawn, this, args);
  });
  wrap(binding('spawn_sync'), 'spawn_sync', 'spawn', (spawn) => function (this: unknown, options: unknown) {
    return ReflectApply(spawn, this, [spawnOptions(options)]);
  });

  // ── files: the fs binding ──────────────────────────────────────────────────
  const fsBinding = binding('fs');
  const openUngated = fsBinding?.open as AnyFunction | undefined;
  let nullFd = -1;
  ctx.devNull = () => {
    if (nullFd >= 0 || typeof openUngated !== 'function') return nullFd;
    try {
      // The synchronous form, as fs.openSync calls it (three arguments; an error throws).
      const fd = ReflectApply(openUngated, fsBinding, ['/dev/null', O_RDWR, 0o666]);
      if (typeof fd === 'number' && fd >= 0) nullFd = fd;
    } catch {
      nullFd = -1;
    }
    return nullFd;
  };
  const filePath = (value: unknown, access: { read?: boolean; write?: boolean }, follow = true): unknown => {
    if (typeof value !== 'string' && !isUint8Array(value)) return value; // a descriptor, or something Node refuses itself
    // The real path a named gate (fs.ts) just checked and handed on: decided already.
    if (typeof value === 'string' && policy.approved(value, access, follow)) return value;
    if (typeof value === 'string' && access.write !== true && isRuntimeSourceMap(value)) return value;
    return policy.path(value, access, follow);
  };
  const pathFunction = (key: string, specs: Array<'r' | 'w' | 'rl' | 'wl' | 'rwl' | 'all'>) => {
    wrap(fsBinding, 'fs', key, (original) => function (this: unknown, ...args: unknown[]) {
      for (let i = 0; i < specs.length; i++) {
        switch (specs[i]) {
          case 'r': args[i] = filePath(args[i], { read: true }); break;
          case 'w': args[i] = filePath(args[i], { write: true }); break;
          case 'rl': args[i] = filePath(args[i], { read: true }, false); break;
          case 'wl': args[i] = filePath(args[i], { write: true }, false); break;
          case 'rwl': args[i] = filePath(args[i], { read: true, write: true }, false); break;
          default:
            policy.requireAll('read', `fs binding ${key}`);
            policy.requireAll('write', `fs binding ${key}`);
        }
      }
      return ReflectApply(original, this, args);
    });
  };
  /** (path, flags, …): what the flags open it for. */
  const openFunction = (key: string, flagsAt: number, fallback: string) => {
    wrap(fsBinding, 'fs', key, (original) => function (this: unknown, ...args: unknown[]) {
      if (typeof args[0] === 'number') hostStdio(args[0]);
      else args[0] = filePath(args[0], flagAccess(args[flagsAt], fallback));
      return ReflectApply(original, this, args);
    });
  };
  openFunction('open', 1, 'r');
  openFunction('openFileHandle', 1, 'r');
  openFunction('readFileUtf8', 1, 'r');
  openFunction('writeFileUtf8', 2, 'w');
  pathFunction('access', ['r']);
  // existsSync answers "no" for a path the plugin may not see (like fs.existsSync in fs.ts).
  wrap(fsBinding, 'fs', 'existsSync', (existsSync) => function (this: unknown, ...args: unknown[]) {
    try {
      args[0] = filePath(args[0], { read: true });
    } catch {
      return false;
    }
    return ReflectApply(existsSync, this, args);
  });
  // Metadata of the folders on the way to a readable path too: Node's JavaScript
  // realpath (the CommonJS loader's) lstats every component.
  for (const [key, follow] of [['stat', true], ['lstat', false], ['statfs', true]] as const) {
    wrap(fsBinding, 'fs', key, (original) => function (this: unknown, ...args: unknown[]) {
      const value = args[0];
      if ((typeof value === 'string' && !policy.approved(value, { read: true }, follow)) || isUint8Array(value)) {
        const text = pathArgument(value)!;
        const real = realPath(absolutePath(text), follow);
        if (!policy.mayStatReal(real)) policy.path(text, { read: true }, follow);
        args[0] = real;
      }
      return ReflectApply(original, this, args);
    });
  }
  pathFunction('readdir', ['r']);
  pathFunction('copyFile', ['r', 'w']);
  pathFunction('rename', ['wl', 'wl']);
  // A hard link shares the inode: linking a file into a writable folder must not make it writable.
  pathFunction('link', ['rwl', 'wl']);
  pathFunction('symlink', ['all']);
  pathFunction('unlink', ['wl']);
  pathFunction('rmdir', ['wl']);
  pathFunction('mkdir', ['w']);
  pathFunction('mkdtemp', ['wl']);
  pathFunction('chmod', ['w']);
  pathFunction('chown', ['w']);
  pathFunction('lchown', ['wl']);
  pathFunction('utimes', ['w']);
  pathFunction('lutimes', ['wl']);
  // Newer lines only (Node ≥ 22/24): absent on Node 20, so not listed as unreachable.
  for (const [key, specs] of [['rmSync', ['wl']], ['readdirRecursive', ['r']], ['cpSyncCheckPaths', ['all']], ['cpSyncOverrideFile', ['all']], ['cpSyncCopyDir', ['all']]] as const) {
    if (typeof fsBinding?.[key] === 'function') pathFunction(key, [...specs]);
  }
  // Functions on a descriptor: in a worker, 0-2 are the host's stdio.
  for (const key of ['writeString', 'writeBuffer', 'writeBuffers', 'read', 'readBuffers', 'fstat', 'close', 'fsync', 'fdatasync', 'ftruncate', 'fchmod', 'fchown', 'futimes']) {
    if (typeof fsBinding?.[key] !== 'function') continue;
    wrap(fsBinding, 'fs', key, (original) => function (this: unknown, ...args: unknown[]) {
      hostStdio(args[0]);
      return ReflectApply(original, this, args);
    });
  }
  // new FileHandle(fd) wraps any descriptor (the class is reachable from every FileHandle's symbol-keyed field).
  const checkFileHandle = (args: unknown[]) => checkFd(args[0]);
  if (fsBinding) {
    wrapConstructor(fsBinding, 'fs', 'FileHandle', checkFileHandle);
  } else {
    // No binding (Node's permission model refuses process.binding): take the class from a
    // FileHandle of this very file, before the plugin's module is imported.
    pending = (async () => {
      const handle = await fsPromisesOpen(ownFile);
      try {
        const symbols = Object.getOwnPropertySymbols(handle);
        for (let i = 0; i < symbols.length; i++) {
          const inner = (handle as unknown as Record<symbol, { releaseFD?: unknown } | undefined>)[symbols[i]!];
          if (typeof inner !== 'object' || inner === null || typeof inner.releaseFD !== 'function') continue;
          wrapConstructor({ FileHandle: ObjectGetPrototypeOf(inner).constructor } as Methods, 'fs', 'FileHandle', checkFileHandle);
          return;
        }
        unreachable.push('fs.FileHandle');
      } finally {
        await handle.close();
      }
    })();
  }
  const statWatcher = (fsBinding?.StatWatcher as { prototype?: Methods } | undefined)?.prototype;
  wrap(statWatcher, 'StatWatcher.prototype', 'start', (start) => function (this: object, ...args: unknown[]) {
    args[0] = filePath(args[0], { read: true });
    return ReflectApply(start, this, args);
  });
  const fsEvent = (binding('fs_event_wrap')?.FSEvent as { prototype?: Methods } | undefined)?.prototype;
  wrap(fsEvent, 'FSEvent.prototype', 'start', (start) => function (this: object, ...args: unknown[]) {
    args[0] = filePath(args[0], { read: true });
    return ReflectApply(start, this, args);
  });

  lastReport = { gated, unreachable };
  // Read when torn down: the asynchronous part may have patched more since.
  return () => patch.teardown()();
}
