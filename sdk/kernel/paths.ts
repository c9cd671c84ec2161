/**
 * Path arguments as Node accepts them (string, Buffer/Uint8Array, file: URL or a
 * URL-like object), turned into one primitive absolute path, with `..` and symbolic
 * links resolved. The gates check that primitive and pass that same primitive to the
 * real function, so nothing the plugin controls (a `toString`, a getter, a swapped
 * `process.cwd`) can make the checked path differ from the used one.
 */
import * as nodeFs from 'node:fs';
import {
  fileURLToPath,
  isUint8Array,
  pathBasename,
  pathDirname,
  pathResolve,
  processCwd,
  processPlatform,
  realpathSync,
  RegExpPrototypeExec,
  SafeDecodeURIComponent,
  SafeURL,
  StringPrototypeIncludes,
  StringPrototypeIndexOf,
  StringPrototypeSlice,
  StringPrototypeStartsWith,
  TextDecoderDecode,
} from './primordials.js';

const readlinkSync = nodeFs.readlinkSync;

/** Thrown (like Node's own ERR_INVALID_ARG_TYPE) for a value that is not a path. */
export function invalidPath(what: string): TypeError {
  const error = new TypeError(`The "${what}" argument must be of type string, Buffer or URL`);
  (error as TypeError & { code: string }).code = 'ERR_INVALID_ARG_TYPE';
  return error;
}

/**
 * A path argument as a primitive string, reading each plugin-controlled property
 * once; undefined when the value is not a path (a number, a FileHandle, …).
 */
export function pathArgument(value: unknown): string | undefined {
  if (typeof value === 'string') return value;
  if (isUint8Array(value)) {
    try {
      return TextDecoderDecode(value);
    } catch {
      // Node would use the raw bytes; a check on a lossy decoding could differ from them.
      throw new TypeError('paths given as bytes must be valid UTF-8 inside a Paddock plugin');
    }
  }
  if (typeof value === 'object' && value !== null) {
    // Node treats any object with href and protocol (and no auth/path) as a URL.
    const href = (value as { href?: unknown }).href;
    if (href === undefined || href === null || href === '' || (value as { protocol?: unknown }).protocol === undefined) return undefined;
    const url = new SafeURL(typeof href === 'string' ? href : `${href as string}`);
    return fileURLToPath(url);
  }
  return undefined;
}

/**
 * The path of a canonical `file:` href (as the URL parser writes it), by string
 * operations only: fileURLToPath reads the URL's getters, which plugin code can
 * replace, and the module loader uses the href itself.
 */
export function hrefToPath(href: string): string {
  if (!StringPrototypeStartsWith(href, 'file://')) throw new TypeError(`not a file: URL: ${href}`);
  const rest = StringPrototypeSlice(href, 7);
  const slash = StringPrototypeIndexOf(rest, '/');
  const host = slash === -1 ? rest : StringPrototypeSlice(rest, 0, slash);
  if (host !== '' && host !== 'localhost') throw new TypeError(`file: URL with a host: ${href}`);
  let pathname = slash === -1 ? '/' : StringPrototypeSlice(rest, slash);
  for (const stop of ['?', '#']) {
    const at = StringPrototypeIndexOf(pathname, stop);
    if (at !== -1) pathname = StringPrototypeSlice(pathname, 0, at);
  }
  if (StringPrototypeIncludes(pathname, '%2f') || StringPrototypeIncludes(pathname, '%2F')) {
    throw new TypeError(`file: URL path must not include encoded / characters: ${href}`);
  }
  return SafeDecodeURIComponent(pathname);
}

export function absolutePath(path: string): string {
  return pathResolve(processCwd(), path);
}

function join(dir: string, base: string): string {
  return dir === '/' ? `/${base}` : `${dir}/${base}`;
}

/** The real path of `abs`, following links; for parts that do not exist yet, the real parent plus the rest. */
function realExisting(abs: string, depth: number): string {
  try {
    return realpathSync(abs);
  } catch {
    // Not there (or not readable): a dangling link still leads somewhere, follow it by hand.
  }
  if (depth > 40) return abs;
  let target: string | undefined;
  try {
    target = readlinkSync(abs);
  } catch {
    target = undefined; // not a link: a plain missing entry
  }
  const dir = pathDirname(abs);
  if (target !== undefined) return realExisting(pathResolve(realExisting(dir, depth + 1), target), depth + 1);
  if (dir === abs) return abs;
  return join(realExisting(dir, depth + 1), pathBasename(abs));
}

/**
 * The real path an operation on `abs` touches. With `follow` false (lstat, unlink,
 * rename, readlink …) the last component is the entry itself, not what it points to.
 */
export function realPath(abs: string, follow: boolean): string {
  if (follow) return realExisting(abs, 0);
  const dir = pathDirname(abs);
  if (dir === abs) return abs;
  return join(realExisting(dir, 0), pathBasename(abs));
}

export function isWithin(path: string, dir: string): boolean {
  if (path === dir) return true;
  return StringPrototypeStartsWith(path, dir === '/' ? '/' : `${dir}/`);
}

const PROC_PROCESS = /^\/proc\/(\d+|self|thread-self)(\/|$)/;
const SAFE_DEVICES = ['/dev/null', '/dev/zero', '/dev/random', '/dev/urandom', '/dev/full'];

/**
 * Paths that reach the process itself or raw devices: /proc/<pid>/… (memory, environ,
 * fds of the host) and /dev/… (stdin of the host, disks). Only `ffi: true` opens them,
 * whatever read/write say: writing /proc/self/mem is code execution in the host.
 */
export function isSpecialPath(real: string): boolean {
  if (processPlatform !== 'linux' && processPlatform !== 'android') {
    return StringPrototypeStartsWith(real, '/dev/') && !isSafeDevice(real);
  }
  if (RegExpPrototypeExec(PROC_PROCESS, real) !== null) return true;
  return StringPrototypeStartsWith(real, '/dev/') && !isSafeDevice(real) && !StringPrototypeStartsWith(real, '/dev/shm/');
}

function isSafeDevice(real: string): boolean {
  for (let i = 0; i < SAFE_DEVICES.length; i++) if (real === SAFE_DEVICES[i]) return true;
  return false;
}

/** "a/b" → ["a/b"], used to strip a trailing separator from grants. */
export function trimTrailingSeparator(path: string): string {
  return path.length > 1 && path[path.length - 1] === '/' ? StringPrototypeSlice(path, 0, -1) : path;
}
