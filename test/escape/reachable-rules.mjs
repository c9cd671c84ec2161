// The reviewer's rules for the reachability audit (test/escape/reachable.json): which
// gate covers a function a plugin can reach, or why it is harmless. write-reachable.mjs
// applies them to functions the list does not have yet; what no rule matches is
// written as "unreviewed" and fails the audit until someone adds a rule or an entry.
//
// Classes:
//   harmless          computes, or acts only on the plugin's own thread and objects
//   gated:<gate>      reaches a capability; the gate named (GATES below) checks it
//   open:<finding>    reaches a capability no gate checks yet: a known, reported hole

/** Gate name → the module that holds it (the audit checks each one exists). */
export const GATES = {
  fs: 'workers/gates/fs.ts',
  net: 'workers/gates/net.ts',
  'child-process': 'workers/gates/child-process.ts',
  env: 'workers/gates/env.ts',
  sys: 'workers/gates/sys.ts',
  process: 'workers/gates/process.ts',
  workers: 'workers/gates/workers.ts',
  diagnostics: 'workers/gates/diagnostics.ts',
  modules: 'workers/gates/modules.ts',
  builtins: 'workers/gates/builtins.ts',
  'web-globals': 'workers/gates/web-globals.ts',
  loader: 'workers/loader/module-policy.ts',
  native: 'workers/gates/native.ts',
};

// Host information on `process` (gated by sys.ts, with the Deno-style kind it needs).
const PROCESS_SYS = [
  'availableMemory', 'constrainedMemory', 'resourceUsage', 'memoryUsage', 'memoryUsage.rss', 'cpuUsage',
  'getuid', 'geteuid', 'getgid', 'getegid', 'getgroups',
];
// On `process`, computing or acting on the plugin's own thread only.
const PROCESS_HARMLESS = [
  'threadCpuUsage', 'nextTick', 'emitWarning', 'hrtime', 'hrtime.bigint', 'uptime', 'cwd', 'umask', 'ref', 'unref', 'exit', 'reallyExit',
  'abort', 'assert', 'setSourceMapsEnabled', 'setUncaughtExceptionCaptureCallback', 'hasUncaughtExceptionCaptureCallback',
  'addUncaughtExceptionCaptureCallback', 'getActiveResourcesInfo', '_getActiveHandles', '_getActiveRequests', '_tickCallback',
  '_fatalException', 'openStdin', 'emit', 'finalization', 'chdir', 'features', 'allowedNodeEnvironmentFlags', 'env',
  '_events', 'stdin', 'stdout', 'stderr', 'exitCode', '_exiting', 'domain', 'sourceMapsEnabled', 'execArgv', 'config',
  'release', 'versions', 'argv', 'channel', 'setSourceMapsSupport', '<proto>', 'constructor', '_startProfilerIdleNotifier',
  '_stopProfilerIdleNotifier', 'moduleLoadList', 'emitAbort', 'permission',
  // Unsupported in worker threads (they throw); in a process-tier child they change the child alone.
  'setuid', 'seteuid', 'setgid', 'setegid', 'setgroups', 'initgroups',
];
// The ECMAScript and web globals: computation, the plugin's own timers, ports, streams,
// events, WebAssembly (no host imports), console (its own captured stdout).
const GLOBALS_HARMLESS = [
  '<proto>', 'AbortController', 'AbortSignal', 'AggregateError', 'Array', 'ArrayBuffer', 'AsyncDisposableStack', 'Atomics',
  'BigInt', 'BigInt64Array', 'BigUint64Array', 'Blob', 'Boolean', 'Buffer', 'ByteLengthQueuingStrategy', 'CloseEvent',
  'CompressionStream', 'CountQueuingStrategy', 'Crypto', 'CryptoKey', 'CustomEvent', 'DOMException', 'DataView', 'Date',
  'DecompressionStream', 'DisposableStack', 'Error', 'ErrorEvent', 'EvalError', 'Event', 'EventTarget', 'File',
  'FinalizationRegistry', 'Float16Array', 'Float32Array', 'Float64Array', 'FormData', 'Function', 'Headers', 'Int16Array',
  'Int32Array', 'Int8Array', 'Intl', 'Iterator', 'JSON', 'Map', 'Math', 'MessageChannel', 'MessageEvent', 'MessagePort',
  'Navigator', 'Number', 'Object', 'Performance', 'PerformanceEntry', 'PerformanceMark', 'PerformanceMeasure',
  'PerformanceObserver', 'PerformanceObserverEntryList', 'PerformanceResourceTiming', 'Promise', 'Proxy',
  'QuotaExceededError', 'RangeError', 'ReadableByteStreamController', 'ReadableStream', 'ReadableStreamBYOBReader',
  'ReadableStreamBYOBRequest', 'ReadableStreamDefaultController', 'ReadableStreamDefaultReader', 'ReferenceError',
  'Reflect', 'RegExp', 'Request', 'Response', 'Set', 'SharedArrayBuffer', 'String', 'SubtleCrypto',
  'SuppressedError', 'Symbol', 'SyntaxError', 'Temporal', 'TextDecoder', 'TextDecoderStream', 'TextEncoder',
  'TextEncoderStream', 'TransformStream', 'TransformStreamDefaultController', 'TypeError', 'URIError', 'URL', 'URLPattern',
  'URLSearchParams', 'Uint16Array', 'Uint32Array', 'Uint8Array', 'Uint8ClampedArray', 'WeakMap', 'WeakRef', 'WeakSet',
  'WebAssembly', 'WritableStream', 'WritableStreamDefaultController', 'WritableStreamDefaultWriter', 'atob', 'btoa',
  'clearImmediate', 'clearInterval', 'clearTimeout', 'console', 'crypto', 'decodeURI', 'decodeURIComponent', 'encodeURI',
  'encodeURIComponent', 'escape', 'eval', 'isFinite', 'isNaN', 'navigator', 'parseFloat', 'parseInt', 'performance',
  'queueMicrotask', 'gc', 'setImmediate', 'setInterval', 'setTimeout', 'structuredClone', 'unescape',
];
// Routes process.ts gates (natives, signals, the inspector, env files, reports, the title).
const PROCESS_GATED = [
  'binding', '_linkedBinding', 'dlopen', 'kill', '_kill', '_debugProcess', '_debugEnd', 'execve', 'loadEnvFile',
  'getBuiltinModule', '_rawDebug', 'report', 'title',
];

const escape = (text) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
const processRule = (names, cls) => [new RegExp(`^(node:process|globalThis\\.process)\\.(${names.map(escape).join('|')})(\\.|\\[|$)`), cls];

/** First match wins. */
export const RULES = [
  // ── host information (sys) ─────────────────────────────────────────────────
  [/^node:os\.(arch|platform|type|endianness|machine|tmpdir|availableParallelism|EOL|devNull|constants)\b/, 'harmless'],
  [/^node:os\.[a-zA-Z]+\.\[Symbol\(Symbol\.toPrimitive\)\]$/, 'harmless'],
  [/^node:os\./, 'gated:sys'],
  // The native resolver handle's own getServers answers an empty list without sys (native layer).
  [/^probe:new dns[^]*\._handle\b[^]*\.getServers$/, 'gated:native'],
  [/^(node:dns|node:dns\/promises|probe:new dns)[^]*\.getServers$/, 'gated:sys'],
  processRule(PROCESS_SYS, 'gated:sys'),
  processRule(PROCESS_GATED, 'gated:process'),
  processRule(PROCESS_HARMLESS, 'harmless'),
  [/^(node:process|globalThis\.process)(\[get\]|\[set\])$/, 'harmless'],
  // ── files ──────────────────────────────────────────────────────────────────
  [/^node:fs\.(Stats|Dirent|StatFs|BigIntStats|constants)\b/, 'harmless'],
  // The watchers' native handles take a path of their own: the native layer checks
  // start() like an open for reading (escape vector watch-handle).
  [/^probe:fs\.watch\(\)\._handle\b/, 'gated:native'],
  [/^probe:fs\.watchFile\(\)\._handle\b/, 'gated:native'],
  [/^(node:fs|node:fs\/promises|probe:fs\.)/, 'gated:fs'],
  // Node 26's zip archives open files by path.
  [/^node:zlib\.(ZipFile|ZipEntry|createZipArchive|zipFiles|ZipBuffer)/, 'gated:fs'],
  [/^node:zlib\./, 'harmless'],
  [/^probe:zlib\./, 'harmless'],
  // ── network ────────────────────────────────────────────────────────────────
  [/^(node:net|node:dgram|node:tls|node:_tls_wrap|node:_tls_common|node:http|node:https|node:http2|node:_http_[a-z]+|node:dns|node:dns\/promises|node:tty|node:_stream_wrap)\./, 'gated:net'],
  [/^probe:(new net|net|dgram|tls|new tls|http|new http|new dns)/, 'gated:net'],
  // Until its first read, the global is web-globals.ts's accessor: the getter hands out the
  // checked class, the setter replaces the global in the plugin's own thread.
  [/^globalThis\.WebSocket\[(get|set)\]$/, 'gated:web-globals'],
  [/^globalThis\.WebSocket/, 'gated:net'],
  [/^globalThis\.\[Symbol\(undici\.globalDispatcher/, 'gated:net'],
  [/^globalThis\.(fetch|EventSource)/, 'gated:web-globals'],
  // ── processes, threads, code ───────────────────────────────────────────────
  [/^(node:child_process|node:cluster)\./, 'gated:child-process'],
  [/^node:test\.run$/, 'gated:child-process'],
  [/^node:test\./, 'harmless'],
  [/^(node:worker_threads|globalThis\.BroadcastChannel)/, 'gated:workers'],
  [/^node:wasi\./, 'gated:diagnostics'],
  [/^node:v8\./, 'gated:diagnostics'],
  [/^node:crypto\.setEngine$/, 'gated:diagnostics'],
  [/^node:module\._cache\./, 'harmless'],
  [/^(node:module|node:repl)\./, 'gated:modules'],
  [/^node:vm\./, 'gated:loader'],
  // ── computation and the plugin's own thread ────────────────────────────────
  [/^node:(crypto|assert|assert\/strict|async_hooks|buffer|console|constants|diagnostics_channel|domain|events|path|path\/posix|path\/win32|perf_hooks|punycode|querystring|readline|readline\/promises|sea|stream|stream\/consumers|stream\/promises|stream\/web|string_decoder|sys|timers|timers\/promises|url|util|util\/types|_stream_[a-z]+)\./, 'harmless'],
  [/^probe:(crypto|perf_hooks|new MessageChannel)/, 'harmless'],
  // Node ≥ 25 exposes Web Storage by default (22 and 24 behind a flag); with
  // --localstorage-file on the host every thread shares one store, the host's and every
  // plugin's (checked on Node 26). No gate checks it yet.
  // localStorage is the host's own file, shared by every thread: its getter needs
  // read: true and write: true (fs gate). Storage's methods work on a store the plugin
  // got from that getter or its own per-thread sessionStorage.
  [/^globalThis\.localStorage\b/, 'gated:fs'],
  [/^globalThis\.(sessionStorage|Storage)\b/, 'harmless'],
  [new RegExp(`^globalThis\\.(${GLOBALS_HARMLESS.map(escape).join('|')})(\\.|\\[|$)`), 'harmless'],
];

/** The class of `path` under the rules, or "unreviewed". */
export function classify(path) {
  for (const [pattern, cls] of RULES) if (pattern.test(path)) return cls;
  return 'unreviewed';
}
