/**
 * One escape vector per plugin in plugins/: how it is refused under default
 * permissions (or under a baseline that looks sufficient but is not), which grant
 * makes it work, and what proves that it worked, so no vector passes vacuously.
 */
import { existsSync, rmSync } from 'node:fs';
import { isBuiltin } from 'node:module';
import { dirname, join } from 'node:path';
import type { PermissionsInput } from '../../runtime/permissions/schema.js';
import type { PermissionName } from '../../sdk/kernel/sandbox-data.js';
import type { EscapeEnvironment } from './environment.js';

export interface Outcome {
  ok: boolean;
  value?: unknown;
  code?: string;
  message?: string;
}

export interface Vector {
  name: string;
  /** What the plugin tries. */
  route: string;
  /** The permission a denial names. */
  permission: PermissionName;
  /** Permissions of the refused run (default: none at all). */
  baseline?: (env: EscapeEnvironment) => PermissionsInput;
  grant: (env: EscapeEnvironment) => PermissionsInput;
  /** The refused run's outcome when it is not a PermissionDenied error (e.g. a variable that reads as unset). */
  refused?: (outcome: Outcome, env: EscapeEnvironment) => boolean;
  /** Proof that the granted run reached the capability. */
  escaped: (outcome: Outcome, env: EscapeEnvironment) => boolean | Promise<boolean>;
  /** The plugin's url, when it is not plugins/<name>.mjs. */
  url?: string;
  /** Refused while loading (a static import), not in the attack. */
  atLoad?: boolean;
  /**
   * In the process tier a grant may not be enough: "isolated" when the resource is
   * in the host process (its descriptors, its threads), "node-denies" when Node's
   * permission model refuses it whatever the grant.
   */
  processGranted?: (nodeMajor: number) => 'isolated' | 'node-denies' | undefined;
  /**
   * With `workerHost: "plugin-host"` the worker thread runs in the plugin-host process,
   * not in the test's process (the application): what the vector reaches for there (the
   * host's descriptors, its threads, its environment) is not in the plugin's process.
   * `granted: "isolated"` checks the granted run ran and reached nothing of the host;
   * `refused` replaces the refusal check when the route ends before the gate there.
   */
  inPluginHost?: { granted?: 'isolated'; refused?: (outcome: Outcome) => boolean };
  /** A file a refused run must not have created. */
  artifact?: (env: EscapeEnvironment) => string;
  /** What reached the host from this vector (a datagram, a broadcast): nothing, after a refused run. */
  received?: (env: EscapeEnvironment) => boolean;
}

const HAS_WEBSOCKET = 'WebSocket' in globalThis;
const leaks = (outcome: Outcome, env: EscapeEnvironment) => outcome.ok && String(outcome.value).includes(env.secret);
const readSecret = (env: EscapeEnvironment): PermissionsInput => ({ read: [env.target.secretDir] });
const httpGrant = (env: EscapeEnvironment): PermissionsInput => ({ net: [`127.0.0.1:${env.target.httpPort}`] });
const consume = (file: string) => {
  const found = existsSync(file);
  rmSync(file, { force: true });
  return found;
};

export const VECTORS: Vector[] = [
  { name: 'fs-read', route: 'fs.readFileSync of a file outside the grants', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'watch-handle', route: "a fresh native watcher handle (fs.watch()'s FSEvent) started on a file outside the grants: an existence oracle", permission: 'read',
    grant: readSecret, escaped: (outcome) => outcome.ok && outcome.value === 0,
    // A denial either way: the native layer's in a worker; in a child process the handle
    // is out of the gates' reach and Node's own model refuses the path (checked in C++).
    refused: (outcome) => !outcome.ok && (outcome.code === 'PADDOCK_ERR_PERMISSION_DENIED' || outcome.code === 'ERR_ACCESS_DENIED'),
  },
  {
    name: 'fs-write', route: 'fs.writeFileSync outside the grants', permission: 'write',
    grant: (env) => ({ write: [env.target.outsideDir] }),
    artifact: (env) => join(env.target.outsideDir, 'pwned-by-plugin'),
    escaped: (outcome, env) => outcome.ok && consume(join(env.target.outsideDir, 'pwned-by-plugin')),
  },
  { name: 'fs-promises-subpath', route: 'import("fs/promises") (subpath, no node: prefix)', permission: 'read', grant: readSecret, escaped: leaks },
  { name: 'fs-url-like', route: 'a path given as a URL-like object', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'symlink-escape', route: 'a symbolic link in a granted folder that points outside it', permission: 'read',
    baseline: (env) => ({ read: [env.target.linkDir] }),
    grant: (env) => ({ read: [env.target.linkDir, env.target.secretDir] }),
    escaped: leaks,
  },
  { name: 'dotdot', route: '".." out of the plugin\'s data folder', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'fd-reuse', route: 'fs.readSync on a descriptor the host opened', permission: 'ffi', grant: () => ({ ffi: true }), escaped: leaks,
    processGranted: () => 'isolated',
    inPluginHost: { granted: 'isolated' },
  },
  {
    name: 'spawn', route: 'child_process.execFileSync', permission: 'run', grant: (env) => ({ run: [env.target.nodePath] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'spawned 42',
  },
  {
    name: 'child-env', route: 'the environment a granted child process inherits', permission: 'env',
    baseline: (env) => ({ run: [env.target.nodePath] }),
    grant: (env) => ({ run: [env.target.nodePath], env: [env.target.envName] }),
    refused: (outcome) => outcome.ok && outcome.value === 'undefined',
    escaped: leaks,
  },
  {
    name: 'binding', route: 'process.binding("fs")', permission: 'ffi', grant: () => ({ ffi: true }),
    escaped: (outcome) => outcome.ok && outcome.value === 'raw fs binding',
    processGranted: () => 'node-denies',
  },
  {
    name: 'linked-binding', route: 'process._linkedBinding', permission: 'ffi', grant: () => ({ ffi: true }),
    // In a child process, Node's model lets it through with --allow-addons (given with ffi).
    escaped: (outcome) => outcome.ok && String(outcome.value).startsWith('reached _linkedBinding'),
  },
  {
    name: 'dlopen', route: 'process.dlopen of native code', permission: 'ffi', grant: (env) => ({ ffi: [env.target.nativeFile] }),
    escaped: (outcome) => outcome.ok && String(outcome.value).startsWith('reached dlopen'),
  },
  {
    name: 'kill-host', route: 'process.kill on the host\'s pid (signal 0)', permission: 'run', grant: () => ({ run: true }),
    escaped: (outcome) => outcome.ok && outcome.value === 'host signalled',
  },
  { name: 'get-builtin-module', route: 'process.getBuiltinModule("node:fs")', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'create-require', route: 'module.createRequire → require("child_process")', permission: 'run', grant: (env) => ({ run: [env.target.nodePath] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'required',
  },
  { name: 'function-constructor', route: 'new Function(…) reaching builtins at global scope', permission: 'read', grant: readSecret, escaped: leaks },
  { name: 'vm-context', route: 'vm.runInNewContext climbing back to process', permission: 'read', grant: readSecret, escaped: leaks },
  { name: 'repl', route: 'the REPL context\'s builtins', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'test-runner', route: 'node:test run(), which starts Node processes', permission: 'run',
    grant: (env) => ({ run: [env.target.nodePath] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'test:pass ran in a child process',
  },
  {
    name: 'inspector', route: 'the inspector (Runtime.evaluate in the plugin\'s own thread)', permission: 'ffi', grant: () => ({ ffi: true }),
    escaped: (outcome) => outcome.ok && outcome.value === 'evaluated 42',
    // Node's model refuses the inspector unless it has --allow-inspector (24.12 and later).
    processGranted: () => (process.allowedNodeEnvironmentFlags.has('--allow-inspector') ? undefined : 'node-denies'),
  },
  {
    name: 'ffi-module', route: 'node:ffi (native functions called from JavaScript, Node 26)', permission: 'ffi', grant: () => ({ ffi: true }),
    // Where Node has no node:ffi, the granted run reaches Node's own "no such builtin".
    escaped: (outcome) => (isBuiltin('node:ffi')
      ? outcome.ok && outcome.value === 'native getpid: true'
      : outcome.code === 'ERR_UNKNOWN_BUILTIN_MODULE'),
  },
  {
    name: 'wasi-preopen', route: 'WASI preopens of host folders', permission: 'read',
    grant: (env) => ({ read: [env.target.secretDir], write: [env.target.secretDir] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'preopened the secret folder',
  },
  {
    name: 'report-env', route: 'process.report.getReport() (the real environment)', permission: 'sys',
    grant: () => ({ sys: true, env: true }), escaped: leaks,
    // The plugin-host process starts with an empty environment: the report shows none of the host's.
    inPluginHost: { granted: 'isolated' },
  },
  {
    name: 'heap-snapshot', route: 'v8.writeHeapSnapshot to any path', permission: 'write', grant: (env) => ({ write: [env.target.outsideDir] }),
    artifact: (env) => join(env.target.outsideDir, 'snapshot.heapsnapshot'),
    escaped: (outcome, env) => outcome.ok && consume(join(env.target.outsideDir, 'snapshot.heapsnapshot')),
  },
  { name: 'load-env-file', route: 'process.loadEnvFile of a file outside the grants', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'env-var', route: 'process.env (a worker shares the host\'s real environment)', permission: 'env',
    grant: (env) => ({ env: [env.target.envName] }),
    refused: (outcome) => outcome.ok && outcome.value === 'undefined',
    escaped: leaks,
  },
  {
    name: 'environment-data', route: 'worker_threads.getEnvironmentData (set by the host)', permission: 'env', grant: () => ({ env: true }), escaped: leaks,
    processGranted: () => 'isolated',
    inPluginHost: { granted: 'isolated' },
  },
  {
    name: 'net-connect', route: 'net.connect', permission: 'net', grant: httpGrant,
    escaped: (outcome, env) => outcome.ok && outcome.value === 'PONG /v/net-connect' && env.httpHits.includes('/v/net-connect'),
  },
  {
    name: 'http-request', route: 'http.get', permission: 'net', grant: httpGrant,
    escaped: (outcome, env) => outcome.ok && outcome.value === 'PONG /v/http-request' && env.httpHits.includes('/v/http-request'),
  },
  {
    name: 'fetch', route: 'fetch', permission: 'net', grant: httpGrant,
    escaped: (outcome, env) => outcome.ok && outcome.value === 'PONG /v/fetch' && env.httpHits.includes('/v/fetch'),
  },
  {
    name: 'websocket', route: 'WebSocket (its first read in the thread)', permission: 'net', grant: httpGrant,
    // Node 20 has no WebSocket global: both runs find none.
    refused: HAS_WEBSOCKET ? undefined : (outcome) => outcome.ok && outcome.value === 'no WebSocket on this Node line',
    escaped: (outcome, env) => (HAS_WEBSOCKET
      ? outcome.ok && env.httpHits.includes('/v/websocket')
      : outcome.ok && outcome.value === 'no WebSocket on this Node line'),
  },
  {
    name: 'tls-connect', route: 'tls.connect', permission: 'net', grant: httpGrant,
    escaped: (outcome) => outcome.ok && /^(secure|connected, then (?!ECONNREFUSED|ERR_ACCESS_DENIED))/.test(String(outcome.value)),
  },
  {
    name: 'http2-connect', route: 'http2.connect', permission: 'net', grant: httpGrant,
    escaped: (outcome) => outcome.ok && /^connected(, then (?!ECONNREFUSED|ERR_ACCESS_DENIED))?/.test(String(outcome.value)),
  },
  {
    name: 'server-handle', route: 'net._createServerHandle (a handle that listens without net.Server)', permission: 'net',
    grant: () => ({ net: ['127.0.0.1'] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'listening: true',
  },
  {
    name: 'bound-socket', route: 'net.BoundSocket (a port bound before any server uses it)', permission: 'net',
    grant: () => ({ net: ['127.0.0.1'] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'bound: true',
  },
  {
    name: 'bound-socket-path', route: 'net.BoundSocket({ path }) (a Unix socket file outside the grants)', permission: 'write',
    grant: (env) => ({ write: [env.target.outsideDir] }),
    artifact: (env) => join(env.target.outsideDir, 'bound.sock'),
    escaped: (outcome, env) => outcome.ok && outcome.value === `bound ${join(env.target.outsideDir, 'bound.sock')}`,
    // Node >= 25 counts a Unix socket as network: without a net grant its model refuses it.
    processGranted: () => (process.allowedNodeEnvironmentFlags.has('--allow-net') ? 'node-denies' : undefined),
  },
  {
    name: 'udp', route: 'dgram send', permission: 'net', grant: (env) => ({ net: [`127.0.0.1:${env.target.udpPort}`] }),
    received: (env) => env.udpMessages.includes('escape-udp'),
    escaped: async (outcome, env) => {
      if (!outcome.ok) return false;
      await env.waitForUdp('escape-udp');
      return true;
    },
  },
  {
    name: 'dns', route: 'dns.lookup (names leave the machine)', permission: 'net', grant: () => ({ net: ['localhost'] }),
    escaped: (outcome) => outcome.ok && (outcome.value === '127.0.0.1' || outcome.value === '::1'),
  },
  { name: 'nested-worker', route: 'a Worker started by the plugin', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'nested-node-options', route: 'a Worker whose env carries NODE_OPTIONS=--require (run before its gates)', permission: 'read',
    grant: readSecret, escaped: leaks,
  },
  {
    name: 'nested-node-options-inherited', route: 'a Worker inheriting NODE_OPTIONS=--require set on the plugin\'s process.env', permission: 'read',
    grant: readSecret, escaped: leaks,
  },
  {
    name: 'loader-hooks', route: 'module.register from plugin code', permission: 'ffi', grant: () => ({ ffi: true }),
    escaped: (outcome) => outcome.ok && outcome.value === 'hooks registered',
  },
  {
    name: 'import-json', route: 'import() of a JSON file outside the grants', permission: 'import',
    grant: (env) => ({ import: [env.target.secretDir] }), escaped: leaks,
  },
  {
    name: 'specifier-object', route: 'import() of a String object and of a URL object', permission: 'import',
    grant: (env) => ({ read: [env.target.secretDir] }), escaped: leaks,
  },
  {
    name: 'static-import', route: 'a static import of a module outside the plugin\'s folder', permission: 'import', atLoad: true,
    grant: (env) => ({ import: [env.repoOutsideDir] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'static secret module',
  },
  {
    name: 'error-message-leak', route: 'require() of a secret file (Node quotes the line in its SyntaxError)', permission: 'read',
    grant: readSecret, escaped: leaks,
  },
  {
    name: 'broadcast-channel', route: 'BroadcastChannel to the host\'s threads', permission: 'sys', grant: () => ({ sys: ['threads'] }),
    received: (env) => env.broadcasts.includes('escape-broadcast'),
    escaped: async (outcome, env) => {
      if (!outcome.ok) return false;
      await env.waitForBroadcast('escape-broadcast');
      return true;
    },
    processGranted: () => 'isolated',
    inPluginHost: { granted: 'isolated' },
  },
  {
    name: 'proc-environ', route: '/proc/self/environ (the real environment) with read: true', permission: 'ffi',
    baseline: () => ({ read: true, env: true }),
    grant: () => ({ read: true, env: true, ffi: true }),
    // The environment the process started with (a worker's host, or the child's granted one).
    escaped: (outcome) => outcome.ok && /^PATH=/m.test(String(outcome.value)),
    // The plugin-host process's own environment: empty but for its IPC channel's variables.
    inPluginHost: { granted: 'isolated' },
  },
  {
    name: 'plant-symlink', route: 'fs.symlink planted in the data folder, then followed', permission: 'read',
    grant: () => ({ read: true, write: true }), escaped: leaks,
  },
  {
    name: 'sys-info', route: 'os.hostname', permission: 'sys', grant: () => ({ sys: ['hostname'] }),
    escaped: (outcome) => outcome.ok && typeof outcome.value === 'string' && outcome.value.length > 0,
  },
  {
    name: 'v8-flags', route: 'v8.setFlagsFromString (process-wide flags)', permission: 'ffi', grant: () => ({ ffi: true }),
    escaped: (outcome) => outcome.ok && outcome.value === 'natives: true',
  },
  { name: 'data-url-import', route: 'a data: module importing node:fs', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'tampered-builtins', route: 'String/Array/RegExp/URL prototypes, Reflect, JSON, path.resolve and process.cwd replaced first',
    permission: 'read', grant: readSecret, escaped: leaks,
  },
  {
    name: 'cjs-dependency', route: 'a CommonJS dependency\'s require("fs")', permission: 'read', grant: readSecret, escaped: leaks,
    url: './plugins/cjs-dependency/index.mjs',
  },
  {
    name: 'nested-binding', route: 'process.binding in a Worker the plugin starts', permission: 'ffi', grant: () => ({ ffi: true }),
    escaped: (outcome) => outcome.ok && outcome.value === 'raw fs binding',
    // Node's permission model holds in the nested worker too (it is lost if the Worker gets execArgv).
    processGranted: () => 'node-denies',
  },
  // ── capabilities used through routes the named gates do not see (the native layer) ──
  { name: 'worker-constructor', route: 'Worker.prototype.constructor (the real class)', permission: 'read', grant: readSecret, escaped: leaks },
  {
    name: 'wasi-constructor', route: 'WASI.prototype.constructor with preopens', permission: 'read',
    grant: (env) => ({ read: [env.target.secretDir], write: [env.target.secretDir] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'preopened the secret folder',
  },
  {
    name: 'socket-parent-fd', route: 'the real net.Socket (parent of tty.WriteStream) on a descriptor the plugin did not open', permission: 'ffi',
    grant: () => ({ ffi: true }),
    escaped: (outcome, env) => outcome.ok && outcome.value === `wrapped descriptor ${env.target.spareSocketFd}: yes`,
    // In its own process the descriptor is the child's own channel to the host, not a host socket.
    processGranted: () => 'isolated',
    // The host's descriptor number means nothing in the plugin-host process: Node refuses it as not a socket before any gate.
    inPluginHost: { granted: 'isolated', refused: (outcome) => (outcome.ok && /^not wrapped: /.test(String(outcome.value))) || outcome.code === 'PADDOCK_ERR_PERMISSION_DENIED' },
  },
  {
    name: 'filehandle-symbol', route: 'the native FileHandle class (a FileHandle\'s symbol-keyed field) on a host descriptor', permission: 'ffi',
    grant: () => ({ ffi: true }), escaped: leaks,
    processGranted: () => 'isolated',
    inPluginHost: { granted: 'isolated' },
  },
  {
    name: 'udp-internal-handle', route: 'dgram\'s internal UDP handle, connected directly', permission: 'net',
    grant: (env) => ({ net: [`127.0.0.1:${env.target.udpPort}`] }),
    escaped: (outcome, env) => outcome.ok && outcome.value === `raw connect 0, peer ${env.target.udpPort}`,
  },
  {
    name: 'tls-engine', route: 'tls.createSecureContext with privateKeyEngine (OpenSSL loads native code)', permission: 'ffi',
    grant: () => ({ ffi: true }),
    escaped: (outcome) => outcome.ok && String(outcome.value).startsWith('OpenSSL tried the engine'),
  },
  {
    name: 'linked-package', route: 'a package linked from the plugin\'s own node_modules to a folder outside it (its package.json, read by resolution)', permission: 'read',
    grant: (env) => ({ read: [env.target.linkedPackageDir] }),
    // The resolution fails either way (the main file does not exist); refused, it says nothing of the package.json.
    refused: (outcome, env) => outcome.ok && !String(outcome.value).includes(env.secret) && String(outcome.value).startsWith('ERR_MODULE_NOT_FOUND'),
    escaped: (outcome, env) => outcome.ok && String(outcome.value).includes(env.secret),
  },
  {
    name: 'multicast-join', route: 'dgram addMembership (the kernel announces the group on the host\'s network)', permission: 'net',
    grant: () => ({ net: ['239.255.77.77'] }),
    escaped: (outcome) => outcome.ok && outcome.value === 'joined',
  },
  {
    name: 'reverse-lookup', route: 'dns.lookupService of an address (the system resolver sends it to a DNS server)', permission: 'net',
    grant: () => ({ net: ['127.0.0.1'] }),
    // 127.0.0.1 is answered from /etc/hosts, so the granted run needs no DNS server.
    escaped: (outcome) => outcome.ok && typeof outcome.value === 'string' && outcome.value.length > 0,
  },
  {
    name: 'resolver-handle-servers', route: 'the DNS servers from a Resolver\'s native handle (host information)', permission: 'sys',
    grant: () => ({ sys: ['networkInterfaces'] }),
    // Node's setServers asks the handle too, so without the grant it answers an empty list.
    refused: (outcome) => outcome.ok && Array.isArray(outcome.value) && outcome.value.length === 0,
    escaped: (outcome) => outcome.ok && Array.isArray(outcome.value) && outcome.value.length > 0,
  },
  {
    name: 'dns-servers', route: 'dns.Resolver#setServers to any address, then an IP-literal name', permission: 'net',
    grant: (env) => ({ net: [`127.0.0.1:${env.target.udpPort}`, '10.99.88.77'] }),
    // The query's name, as DNS labels: 2"10" 2"99" 2"88" 2"77".
    received: (env) => env.udpMessages.some((message) => message.includes('\u000299\u000288')),
    escaped: async (outcome, env) => {
      if (!outcome.ok) return false;
      await waitUntilTrue(() => env.udpMessages.some((message) => message.includes('\u000299\u000288')));
      return true;
    },
  },
  {
    name: 'net-by-name', route: 'net.connect to a host name (the address it resolves to is granted through the name)', permission: 'net',
    grant: (env) => ({ net: [`localhost:${env.target.httpPort}`] }),
    escaped: (outcome, env) => outcome.ok && outcome.value === 'PONG /v/net-by-name' && env.httpHits.includes('/v/net-by-name'),
  },
  // ── options the gate decides on must be the options Node reads ──────────────
  {
    name: 'proto-path', route: 'net.connect with a `path` inherited from Object.prototype', permission: 'read',
    baseline: httpGrant,
    grant: (env) => ({ net: [`127.0.0.1:${env.target.httpPort}`], read: [dirname(env.target.unixSocketPath)], write: [dirname(env.target.unixSocketPath)] }),
    received: (env) => env.unixHits.length > 0,
    escaped: (outcome, env) => outcome.ok && outcome.value === 'PONG /v/proto-path-inherited | UNIX /v/proto-path-own'
      && !env.unixHits.includes('/v/proto-path-inherited'),
  },
  {
    name: 'proto-spawn-file', route: 'ChildProcess#spawn with a `file` inherited from Object.prototype', permission: 'run',
    grant: (env) => ({ run: [env.target.nodePath] }),
    artifact: (env) => join(env.target.outsideDir, 'proto-spawn-file-ran'),
    escaped: (outcome, env) => outcome.ok && outcome.value === 'inherited: refused (ERR_INVALID_ARG_TYPE); own: exited 42'
      && !existsSync(join(env.target.outsideDir, 'proto-spawn-file-ran')),
  },
  {
    name: 'proto-flag', route: 'fs.promises.writeFile with a `flag` inherited from Object.prototype', permission: 'write',
    baseline: (env) => ({ read: [env.target.outsideDir] }),
    grant: (env) => ({ read: [env.target.outsideDir], write: [env.target.outsideDir] }),
    artifact: (env) => join(env.target.outsideDir, 'proto-flag-written'),
    escaped: (outcome, env) => outcome.ok && consume(join(env.target.outsideDir, 'proto-flag-written')),
  },
];

/** Wait (bounded, 5 s) for something the host receives asynchronously. */
async function waitUntilTrue(predicate: () => boolean): Promise<void> {
  const deadline = Date.now() + 5_000;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for the host to receive it');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
