// The reachability audit's walker: runs as an ordinary plugin (default permissions,
// every gate in place) and lists every function its thread can reach, each under one
// stable path. See test/escape/audit.test.ts and test/escape/reachable.json.
//
// Roots: globalThis, every builtin module imported the way a plugin imports it, and a
// few objects that builtins hand back cheaply (a FileHandle, sockets, a resolver …),
// whose internals (symbol-keyed handles) are where the native operations live.
// From each object: every own property, string- or symbol-keyed, its getter and
// setter (the getter is called, with the object as receiver, to go on walking), and
// its prototype. A function found twice keeps its shortest path, the
// alphabetically first among equals, so the names stay the same across Node lines.
import { builtinModules } from 'node:module';
import { join } from 'node:path';
import { permissions } from 'paddock-runtime/sdk';
import { vector } from './_vector.mjs';

const MAX_DEPTH = 12;
// Listeners and stream state hold callbacks registered at run time (by the plugin, or
// by the runtime on the plugin's own streams and ports): not routes Node offers, and
// they come and go with timing (a pending write's callback), so they are not walked.
const RUNTIME_STATE = new Set(['_events', '_eventsCount', '_writableState', '_readableState']);
// The same kind of state under a symbol: a stream's pending write callbacks (closures of the
// write in flight, there or not depending on timing).
const RUNTIME_STATE_SYMBOLS = new Set(['kWritableCallbacks']);
const MAX_OBJECTS = 200_000;
// Builtins only some lines list in builtinModules (the node:-only ones, newest lines).
const SCHEME_ONLY = ['node:sea', 'node:sqlite', 'node:test', 'node:test/reporters', 'node:quic'];

function keyName(key) {
  if (typeof key === 'symbol') return `[${key.description === undefined ? 'Symbol()' : `Symbol(${key.description})`}]`;
  // Keys that are file paths (the CommonJS cache) name the module, not where it is installed.
  if (key.startsWith('/') || key.startsWith('file:')) {
    const at = key.lastIndexOf('node_modules/');
    return `<file:${at === -1 ? key.slice(key.lastIndexOf('/') + 1) : key.slice(at + 13)}>`;
  }
  return key;
}

function isObject(value) {
  return (typeof value === 'object' && value !== null) || typeof value === 'function';
}

/** Objects builtins return: the handles behind them are routes of their own. */
async function probes(dataDir) {
  const out = [];
  const closers = [];
  const probe = async (name, make, close) => {
    try {
      const value = await make();
      out.push([`probe:${name}`, value]);
      if (close) closers.push(() => close(value));
    } catch (error) {
      out.push([`probe-refused:${name}`, { code: error?.code, message: String(error?.message) }]);
    }
  };
  const fs = await import('node:fs');
  const net = await import('node:net');
  const dgram = await import('node:dgram');
  const tls = await import('node:tls');
  const http = await import('node:http');
  const dns = await import('node:dns');
  const zlib = await import('node:zlib');
  const crypto = await import('node:crypto');
  const perf = await import('node:perf_hooks');
  const workers = await import('node:worker_threads');
  await probe('fs.promises.open()', () => fs.promises.open(join(dataDir, 'audit-probe'), 'w+'), (h) => h.close());
  await probe('fs.opendirSync()', () => fs.opendirSync(dataDir), (d) => d.closeSync());
  await probe('fs.watch()', () => fs.watch(dataDir), (w) => w.close());
  await probe('fs.watchFile()', () => fs.watchFile(join(dataDir, 'audit-probe'), () => {}), () => fs.unwatchFile(join(dataDir, 'audit-probe')));
  await probe('fs.createReadStream()', () => fs.createReadStream(join(dataDir, 'audit-probe')), (s) => s.destroy());
  await probe('new net.Socket()', () => new net.Socket(), (s) => s.destroy());
  await probe('net.createServer()', () => net.createServer(), (s) => s.close());
  await probe('dgram.createSocket()', () => dgram.createSocket('udp4'), (s) => s.close());
  await probe('tls.createSecureContext()', () => tls.createSecureContext());
  await probe('new tls.TLSSocket()', () => new tls.TLSSocket(new net.Socket()), (s) => s.destroy());
  await probe('http.createServer()', () => http.createServer(), (s) => s.close());
  await probe('new http.Agent()', () => new http.Agent(), (a) => a.destroy());
  await probe('new dns.Resolver()', () => new dns.Resolver());
  await probe('new dns.promises.Resolver()', () => new dns.promises.Resolver());
  await probe('zlib.createGzip()', () => zlib.createGzip(), (z) => z.close());
  await probe('crypto.createHash()', () => crypto.createHash('sha256'));
  await probe('perf_hooks.monitorEventLoopDelay()', () => perf.monitorEventLoopDelay());
  await probe('new MessageChannel()', () => new workers.MessageChannel(), (c) => { c.port1.close(); c.port2.close(); });
  return { out, close: async () => { for (const close of closers) { try { await close(); } catch {} } } };
}

async function walk(dataDir) {
  const started = Date.now();
  const roots = [['globalThis', globalThis]];
  const refusedModules = {};
  // The deprecated `_tls_common` & co. last: loading one before `tls` leaves Node's own
  // circular require of them half-done (tls.createSecureContext missing, even without gates).
  const ids = [...new Set([...builtinModules.map((id) => (id.startsWith('node:') ? id : `node:${id}`)), ...SCHEME_ONLY])]
    .sort((a, b) => Number(a.startsWith('node:_')) - Number(b.startsWith('node:_')) || (a < b ? -1 : 1));
  for (const id of ids) {
    try {
      roots.push([id, await import(id)]);
    } catch (error) {
      refusedModules[id] = error?.code ?? String(error?.message);
    }
  }
  const probed = await probes(dataDir);
  for (const [name, value] of probed.out) if (!name.startsWith('probe-refused:')) roots.push([name, value]);
  const refusedProbes = probed.out.filter(([name]) => name.startsWith('probe-refused:')).map(([name, v]) => `${name.slice(14)}: ${v.code ?? v.message}`);

  const seen = new Map(); // object → path
  const functions = new Map(); // path → 'function'
  let depth = 0;
  let truncated = false;
  let getterErrors = 0;
  const walkFrom = (start) => {
    let level = start;
    let d = 0;
    while (level.length > 0) {
      // Within one depth, the alphabetically first path names an object found twice.
      level.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
      const next = [];
      for (const [path, value] of level) {
        if (!isObject(value) || seen.has(value)) continue;
        if (seen.size >= MAX_OBJECTS) { truncated = true; return; }
        seen.set(value, path);
        if (typeof value === 'function') functions.set(path, 'function');
        if (d >= MAX_DEPTH) { truncated = true; continue; }
        let keys;
        try {
          keys = Reflect.ownKeys(value);
        } catch {
          continue;
        }
        for (const key of keys) {
          if (typeof key === 'string' && RUNTIME_STATE.has(key)) continue;
          if (typeof key === 'symbol' && RUNTIME_STATE_SYMBOLS.has(key.description)) continue;
          let descriptor;
          try {
            descriptor = Reflect.getOwnPropertyDescriptor(value, key);
          } catch {
            continue;
          }
          if (!descriptor) continue;
          const child = `${path}.${keyName(key)}`;
          if ('value' in descriptor) {
            next.push([child, descriptor.value]);
            continue;
          }
          if (descriptor.get) {
            next.push([`${child}[get]`, descriptor.get]);
            try {
              const got = Reflect.apply(descriptor.get, value, []);
              // A getter may hand back a rejected promise (a stream reader's `closed`).
              if (got instanceof Promise) got.catch(() => {});
              next.push([child, got]);
            } catch {
              getterErrors++;
            }
          }
          if (descriptor.set) next.push([`${child}[set]`, descriptor.set]);
        }
        let proto;
        try {
          proto = Reflect.getPrototypeOf(value);
        } catch {
          proto = null;
        }
        if (proto) next.push([`${path}.<proto>`, proto]);
      }
      level = next;
      d++;
      if (d > depth) depth = d;
    }
  };
  // What builtins hand back is walked last: what it shares with the modules keeps the
  // modules' names (node:net.Socket.prototype.connect, not probe:new net.Socket().<proto>.connect).
  walkFrom(roots.filter(([name]) => !name.startsWith('probe:')));
  walkFrom(roots.filter(([name]) => name.startsWith('probe:')));
  await probed.close();
  // Kinds are not recorded: a getter is a function like any other.
  return {
    node: process.versions.node,
    functions: [...functions.keys()].sort(),
    objects: seen.size,
    depth,
    truncated,
    getterErrors,
    refusedModules,
    refusedProbes,
    ms: Date.now() - started,
  };
}

export const PupPlugin = vector('audit-walk', async () => {
  const { dataDir } = permissions.granted();
  const result = await walk(dataDir);
  // The list is large: it goes through the plugin's own data folder, not the result channel.
  const fs = await import('node:fs');
  const file = join(dataDir, 'reachable-found.json');
  fs.writeFileSync(file, JSON.stringify(result));
  return { file, functions: result.functions.length, objects: result.objects, ms: result.ms, truncated: result.truncated };
});
