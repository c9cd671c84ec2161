/**
 * Gate for the network (net): every TCP client connection in Node (net, tls, http,
 * https, http2, fetch, WebSocket) ends in `net.Socket.prototype.connect`, every
 * server in `net.Server.prototype.listen`; UDP goes through dgram sockets, name
 * lookups through dns. Those are gated here, on the host name as written (like
 * Deno); fetch/WebSocket/EventSource also check their URL first, for a clear error.
 *
 * A custom `lookup` function could map an allowed name to any address, so it needs
 * `net: true`; so does wrapping a descriptor the plugin did not open as a socket.
 * Binding outside a server is checked like listening: `net.BoundSocket` (recent Node 24,
 * Node 26) and `net._createServerHandle` (a raw handle that listens by itself).
 */
import dgram from 'node:dgram';
import dns from 'node:dns';
import net from 'node:net';
import { createRequire } from 'node:module';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { ownRecord } from './options.js';
import { useUrlCheck } from './web-globals.js';
import {
  ArrayIsArray,
  ObjectGetOwnPropertyNames,
  PromiseReject,
  ReflectApply,
  ReflectConstruct,
  SafeProxy,
  SafeURL,
} from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;

function toPort(value: unknown): number | undefined {
  if (value === undefined || value === null || value === '') return undefined;
  const port = typeof value === 'number' ? value : +`${value as string}`;
  return port;
}

const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'https:': 443, 'ws:': 80, 'wss:': 443 };

export function gateNet(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const isIP = net.isIP;
  const normalizeArgs = (net as unknown as { _normalizeArgs: (args: unknown[]) => [Record<string, unknown>, AnyFunction?] })._normalizeArgs;

  function checkFd(fd: unknown): void {
    if (typeof fd === 'number' && !ctx.fds.has(fd) && !policy.all('ffi')) {
      policy.deny('ffi', `file descriptor ${fd}`, 'permissions.ffi: true; the plugin did not open it');
    }
  }

  /**
   * A descriptor wrapped as a socket or stream is closed by that handle, not by
   * fs.close: the native layer (native.ts) forgets it once the handle opened it.
   */
  function adoptFd(fd: unknown): void {
    checkFd(fd);
  }

  function checkLookup(options: Record<string, unknown>): void {
    if (options.lookup !== undefined && options.lookup !== null) policy.requireAll('net', 'a custom DNS lookup function');
  }

  /** Validate a normalized set of connect options in place (a copy owned by the gate). */
  function checkConnect(options: Record<string, unknown>): void {
    if (options.path !== undefined && options.path !== null) {
      // A Unix socket is a file: reading and writing it.
      options.path = policy.path(options.path, { read: true, write: true }, true, 'path');
      return;
    }
    checkLookup(options);
    if (options.fd !== undefined) adoptFd(options.fd);
    const host = options.host === undefined || options.host === null || options.host === '' ? 'localhost' : `${options.host as string}`;
    options.host = host;
    // Primitives from here on: what is checked is what Node will read.
    const port = toPort(options.port);
    if (port !== undefined) options.port = port;
    policy.net(host, port);
  }

  /** Arguments of connect/listen as one options object and a callback (Node's own normalization). */
  function normalized(args: unknown[]): [Record<string, unknown>, AnyFunction | undefined] {
    const first = args[0];
    // Own fields only, read once (options.ts): Node reads the very record decided on.
    if (args.length === 1 && ArrayIsArray(first) && typeof first[0] === 'object' && first[0] !== null) {
      return [ownRecord(first[0]), typeof first[1] === 'function' ? first[1] as AnyFunction : undefined];
    }
    const pair = ReflectApply(normalizeArgs, undefined, [args]) as [Record<string, unknown>, AnyFunction?];
    return [ownRecord(pair[0]), pair[1]];
  }

  // ── TCP clients: every socket connects through here ────────────────────────
  const socketPrototype = net.Socket.prototype as unknown as Record<string, AnyFunction>;
  const connect = socketPrototype.connect!;
  patch.set(socketPrototype, 'connect', function (this: unknown, ...args: unknown[]) {
    const [options, callback] = normalized(args);
    checkConnect(options);
    return ReflectApply(connect, this, callback ? [options, callback] : [options]);
  });

  // Wrapping a descriptor: new net.Socket({ fd }), net.connect({ fd }), tty streams.
  // The class's own `prototype.constructor` leads to the gated one too (the native
  // layer still checks a descriptor reached through a class Node subclassed earlier).
  const guardConstructor = (target: object, key: string, fdOf: (args: unknown[]) => unknown) => {
    const original = (target as Record<string, unknown>)[key] as new (...args: unknown[]) => unknown;
    const gated = new SafeProxy(original, {
      construct(cls, args, newTarget) {
        if (typeof args[0] === 'object' && args[0] !== null) args[0] = ownRecord(args[0]);
        adoptFd(fdOf(args));
        return ReflectConstruct(cls, args, newTarget);
      },
      apply(cls, self, args) {
        if (typeof args[0] === 'object' && args[0] !== null) args[0] = ownRecord(args[0]);
        adoptFd(fdOf(args));
        return ReflectApply(cls as unknown as AnyFunction, self, args);
      },
    });
    patch.set(target, key, gated);
    if (original.prototype.constructor === original) patch.set(original.prototype, 'constructor', gated);
  };
  // Loaded here, after the native layer gated the TTY class tty.js reads when it loads.
  const tty = createRequire(import.meta.url)('node:tty') as typeof import('node:tty');
  // stdout and stderr (1, 2) are what Node itself wraps for process.stdout/stderr in a
  // main thread (a process-isolated plugin's own pipes); in a worker they are the host's.
  const stdOut = (fd: unknown) => (ctx.ownStdio && (fd === 1 || fd === 2) ? undefined : fd);
  const fdOption = (args: unknown[]) => {
    const options = args[0];
    return stdOut(typeof options === 'object' && options !== null ? (options as { fd?: unknown }).fd : undefined);
  };
  const streamIsSocket = (net as unknown as { Stream: unknown }).Stream === net.Socket;
  guardConstructor(net, 'Socket', fdOption);
  if (streamIsSocket) patch.set(net, 'Stream', net.Socket);
  else guardConstructor(net, 'Stream', fdOption);
  guardConstructor(tty, 'ReadStream', (args) => args[0]);
  guardConstructor(tty, 'WriteStream', (args) => stdOut(args[0]));
  for (const key of ['connect', 'createConnection'] as const) {
    const original = net[key] as unknown as AnyFunction;
    patch.set(net, key, function (this: unknown, ...args: unknown[]) {
      const [options, callback] = normalized(args);
      checkConnect(options);
      return ReflectApply(original, this, callback ? [options, callback] : [options]);
    });
  }

  // ── TCP servers ────────────────────────────────────────────────────────────
  const BoundSocket = (net as unknown as { BoundSocket?: new (...args: unknown[]) => object }).BoundSocket;
  const serverPrototype = net.Server.prototype as unknown as Record<string, AnyFunction>;
  const listen = serverPrototype.listen!;
  patch.set(serverPrototype, 'listen', function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    if (typeof BoundSocket === 'function' && typeof first === 'object' && first !== null
      && (first instanceof BoundSocket || (first as { handle?: unknown }).handle instanceof BoundSocket)) {
      // Node reads a BoundSocket's options itself (and an instanceof can be made to lie).
      policy.requireAll('net', 'listening on a net.BoundSocket');
      return ReflectApply(listen, this, args);
    }
    const [options, callback] = normalized(args);
    if (options.handle !== undefined || options._handle !== undefined || options.fd !== undefined) {
      if (typeof options.fd === 'number') adoptFd(options.fd);
      else policy.requireAll('net', 'listening on an existing handle');
      return ReflectApply(listen, this, args);
    }
    if (options.path !== undefined && options.path !== null) {
      options.path = policy.path(options.path, { write: true }, false, 'path');
    } else {
      const host = options.host === undefined || options.host === null || options.host === '' ? '0.0.0.0' : `${options.host as string}`;
      options.host = host;
      const port = toPort(options.port) ?? 0;
      options.port = port;
      policy.net(host, port);
    }
    // Node reads the backlog from the positional arguments.
    const backlog = +(args.length > 1 && args[1] as number) || +(args.length > 2 && args[2] as number);
    if (backlog && options.backlog === undefined) options.backlog = backlog;
    return ReflectApply(listen, this, callback ? [options, callback] : [options]);
  });

  // A bind outside a server: checked like listen (a Unix socket is a file it creates).
  const checkBind = (options: Record<string, unknown>, anyHost: string) => {
    if (options.path !== undefined && options.path !== null) {
      options.path = policy.path(options.path, { write: true }, false, 'path');
      return;
    }
    const host = options.host === undefined || options.host === null || options.host === '' ? anyHost : `${options.host as string}`;
    options.host = host;
    const port = toPort(options.port) ?? 0;
    options.port = port;
    policy.net(host, port);
  };
  if (typeof BoundSocket === 'function') {
    patch.set(net, 'BoundSocket', new SafeProxy(BoundSocket, {
      construct(cls, args, newTarget) {
        const given = args[0];
        if (given !== undefined && (typeof given !== 'object' || given === null)) return ReflectConstruct(cls, args, newTarget);
        const options: Record<string, unknown> = { ...(given as Record<string, unknown> | undefined) };
        checkBind(options, options.ipv6Only ? '::' : '0.0.0.0');
        return ReflectConstruct(cls, [options], newTarget);
      },
    }));
  }
  const createServerHandle = (net as unknown as { _createServerHandle?: AnyFunction })._createServerHandle;
  if (typeof createServerHandle === 'function') {
    patch.set(net, '_createServerHandle', function (this: unknown, ...args: unknown[]) {
      // (address, port, addressType, fd, flags): a descriptor, a pipe (port and type -1) or TCP.
      if (typeof args[3] === 'number' && args[3] >= 0) {
        adoptFd(args[3]);
      } else if (args[1] === -1 && args[2] === -1) {
        if (args[0]) args[0] = policy.path(args[0], { write: true }, false, 'path');
      } else {
        const options: Record<string, unknown> = { host: args[0], port: args[1] };
        checkBind(options, '0.0.0.0');
        args[0] = options.host;
        args[1] = options.port;
      }
      return ReflectApply(createServerHandle, this, args);
    });
  }

  // ── UDP ────────────────────────────────────────────────────────────────────
  // UDP: an ephemeral port (0) is what a client needs to send (Node binds one itself
  // on the first send), like a TCP client's local port; a chosen port is listening.
  const udpBind = (address: string, port: number) => {
    if (port !== 0) policy.net(address, port);
  };
  const udp = dgram.Socket.prototype as unknown as Record<string, AnyFunction>;
  const bind = udp.bind!;
  patch.set(udp, 'bind', function (this: unknown, ...args: unknown[]) {
    const first = args[0];
    if (typeof first === 'object' && first !== null) {
      const options = { ...(first as Record<string, unknown>) };
      if (options.fd !== undefined) {
        adoptFd(options.fd);
      } else {
        options.address = options.address === undefined ? '0.0.0.0' : `${options.address as string}`;
        options.port = toPort(options.port) ?? 0;
        udpBind(options.address as string, options.port as number);
      }
      args[0] = options;
    } else {
      const address = typeof args[1] === 'string' ? args[1] : '0.0.0.0';
      udpBind(address, typeof first === 'function' ? 0 : toPort(first) ?? 0);
    }
    return ReflectApply(bind, this, args);
  });
  const udpConnect = udp.connect!;
  patch.set(udp, 'connect', function (this: unknown, ...args: unknown[]) {
    const address = typeof args[1] === 'string' ? args[1] : 'localhost';
    policy.net(address, toPort(args[0]));
    return ReflectApply(udpConnect, this, args);
  });
  const send = udp.send!;
  patch.set(udp, 'send', function (this: unknown, ...args: unknown[]) {
    // (msg, offset, length, port, address) or (msg, port, address); on a connected socket neither.
    const long = args[3] !== undefined && typeof args[3] !== 'function';
    const port = long ? args[3] : args[1];
    const address = long ? args[4] : args[2];
    if (port !== undefined && typeof port !== 'function') {
      if (typeof address === 'string' && address !== '') {
        policy.net(address, toPort(port));
      } else {
        // Node sends to 127.0.0.1 or ::1 depending on the socket's type.
        policy.net('127.0.0.1', toPort(port));
        policy.net('::1', toPort(port));
      }
    }
    return ReflectApply(send, this, args);
  });
  const createSocket = dgram.createSocket as unknown as AnyFunction;
  patch.set(dgram, 'createSocket', function (this: unknown, ...args: unknown[]) {
    if (typeof args[0] === 'object' && args[0] !== null) {
      const options = { ...(args[0] as Record<string, unknown>) };
      checkLookup(options);
      args[0] = options;
    }
    return ReflectApply(createSocket, this, args);
  });

  // ── DNS: a lookup sends the name to a server, so it needs the host ─────────
  // (an IP address is answered without asking anyone: Node looks those up itself when binding)
  const gateDns = (target: Record<string, unknown>, prefix: string, promise: boolean) => {
    for (const key of ObjectGetOwnPropertyNames(target)) {
      const original = target[key];
      if (typeof original !== 'function' || key === 'Resolver' || key === 'getServers' || key === 'setServers'
        || key === 'setDefaultResultOrder' || key === 'getDefaultResultOrder') continue;
      if (!/^(lookup|lookupService|resolve|resolve\w+|reverse)$/.test(key)) continue;
      patch.set(target, key, function (this: unknown, ...args: unknown[]) {
        const name = args[0];
        try {
          if (typeof name === 'string') {
            // lookupService takes an address and asks a DNS server about it (a reverse lookup):
            // checked here, since dns/promises calls the binding's getnameinfo by a reference
            // it took when it loaded, past the native layer.
            if (key === 'lookupService') {
              if (!policy.mayConnectHost(name)) policy.deny('net', name, `permissions.net (a ${prefix}.${key} sends the address to a DNS server)`);
            } else if (isIP(name) === 0 && !policy.mayConnectHost(name)) {
              policy.deny('net', name, `permissions.net (a ${prefix}.${key} sends the name to a DNS server)`);
            }
          } else if (name !== undefined) {
            args[0] = `${name as string}`;
            if (!policy.mayConnectHost(args[0] as string)) policy.deny('net', args[0] as string);
          }
        } catch (error) {
          if (promise) return PromiseReject(error);
          throw error;
        }
        return ReflectApply(original as AnyFunction, this, args);
      });
    }
  };
  gateDns(dns as unknown as Record<string, unknown>, 'dns', false);
  gateDns(dns.promises as unknown as Record<string, unknown>, 'dns', true);
  gateDns(dns.Resolver.prototype as unknown as Record<string, unknown>, 'Resolver', false);
  gateDns(dns.promises.Resolver.prototype as unknown as Record<string, unknown>, 'Resolver', true);

  // ── fetch, WebSocket, EventSource: check the URL first for a clear error ──
  const checkUrl = (input: unknown): void => {
    let url: URL;
    try {
      const text = typeof input === 'string' ? input
        : input instanceof SafeURL ? input.href
          : typeof input === 'object' && input !== null && typeof (input as { url?: unknown }).url === 'string' ? (input as { url: string }).url
            : undefined;
      if (text === undefined) return;
      url = new SafeURL(text);
    } catch {
      return; // not a URL: let the real function report its own error
    }
    const defaultPort = DEFAULT_PORTS[url.protocol];
    if (defaultPort === undefined) return;
    policy.net(url.hostname, url.port === '' ? defaultPort : +url.port);
  };
  const stopChecking = useUrlCheck(checkUrl);
  const teardown = patch.teardown();
  return () => {
    stopChecking();
    teardown();
  };
}
