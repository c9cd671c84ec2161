/**
 * Which builtin modules a plugin may load at all. Most are harmless or gated inside
 * (fs, net, child_process … are patched in place, so every route to them, `import`,
 * `require` or `process.getBuiltinModule`, gets the gated functions). A few are not
 * gateable function by function and are refused whole; a builtin this table does not
 * know (one a future Node adds) is refused until it is classified.
 */
import type { Policy } from '../../sdk/kernel/policy.js';
import { ObjectHasOwn, SafeSet, SetPrototypeHas, StringPrototypeSlice, StringPrototypeStartsWith } from '../../sdk/kernel/primordials.js';

/** Loadable by any plugin (capabilities inside them are gated elsewhere). */
const ALLOWED = new SafeSet([
  '_http_agent', '_http_client', '_http_common', '_http_incoming', '_http_outgoing', '_http_server',
  '_stream_duplex', '_stream_passthrough', '_stream_readable', '_stream_transform', '_stream_wrap', '_stream_writable',
  '_tls_common', '_tls_wrap', 'assert', 'assert/strict', 'async_hooks', 'buffer', 'child_process', 'cluster', 'console',
  'constants', 'crypto', 'dgram', 'diagnostics_channel', 'dns', 'dns/promises', 'domain', 'events', 'fs', 'fs/promises',
  'http', 'http2', 'https', 'module', 'net', 'os', 'path', 'path/posix', 'path/win32', 'perf_hooks', 'process',
  'punycode', 'querystring', 'readline', 'readline/promises', 'repl', 'stream', 'stream/consumers', 'stream/promises',
  'stream/web', 'string_decoder', 'sys', 'timers', 'timers/promises', 'tls', 'tty', 'url', 'util', 'util/types', 'v8',
  'vm', 'wasi', 'worker_threads', 'zlib', 'test', 'test/reporters', 'sea',
]);

/**
 * Refused whole unless the named permission is `true`:
 * - inspector: a debugger connection reads any closure of the worker (and connectToMainThread
 *   reaches the host's main thread): it undoes every gate;
 * - trace_events: process-wide tracing written to the host's working folder;
 * - sqlite: SQL itself opens files (ATTACH DATABASE, VACUUM INTO), so it needs
 *   unrestricted read and write;
 * - ffi (Node 26): calls any function of any native library, the process's own included.
 */
const WHOLE: Record<string, ReadonlyArray<'ffi' | 'read' | 'write'>> = {
  ffi: ['ffi'],
  inspector: ['ffi'],
  'inspector/promises': ['ffi'],
  trace_events: ['ffi'],
  sqlite: ['read', 'write'],
};

export function builtinId(specifier: string): string {
  return StringPrototypeStartsWith(specifier, 'node:') ? StringPrototypeSlice(specifier, 5) : specifier;
}

/** Throw PermissionDenied unless the plugin may load builtin `specifier` (with or without `node:`). */
export function checkBuiltin(policy: Policy, specifier: string): void {
  const id = builtinId(specifier);
  if (SetPrototypeHas(ALLOWED, id)) return;
  const needs = ObjectHasOwn(WHOLE, id) ? WHOLE[id]! : (['ffi'] as const);
  for (let i = 0; i < needs.length; i++) {
    const name = needs[i]!;
    if (!policy.all(name)) policy.deny(name, `node:${id}`, `permissions.${name}: true`);
  }
}
