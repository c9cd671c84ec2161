/**
 * The kernel's wall around a process-isolated plugin (Linux): the child Node process
 * runs under bubblewrap in its own user, mount, pid, ipc and uts namespaces, and in
 * its own network namespace unless `net` is granted (an empty one: not even the
 * host's loopback). Its file system is built from nothing: the Node binary, the
 * system libraries, the runtime's plugin-side files and the plugin's own folders
 * read-only, its data folder and write grants writable, a private /tmp, /dev and
 * /proc. Node's permission model and the gates still run inside it (node-flags.ts):
 * the wall is the layer that does not depend on any JavaScript being right.
 *
 * Whether the wall can be built is probed once per bwrap path (a real sandbox is
 * started) and cached; where it cannot, the runtime warns at load, `paddock check`
 * says so, and `requireOsSandbox` refuses to start the plugin.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import { dirname, isAbsolute, sep } from 'node:path';
import { realPath } from '../../sdk/kernel/paths.js';
import type { PermissionGrant } from '../../sdk/kernel/sandbox-data.js';
import { which } from '../permissions/sandbox-extras.js';

export interface OsWall {
  available: boolean;
  /** The bwrap binary found (absolute), when there is one. */
  bwrap?: string;
  /** Why there is no wall (missing program, user namespaces off, not Linux, …). */
  reason?: string;
  /** bwrap ≥ 0.8 can forbid user namespaces inside the sandbox. */
  disableUserns?: boolean;
}

const probed = new Map<string, OsWall>();

/** Is the wall available with `bwrap` (a name looked up on PATH, or a path)? Probed once. */
export function osWall(bwrap: string): OsWall {
  const cached = probed.get(bwrap);
  if (cached) return cached;
  const result = probe(bwrap);
  probed.set(bwrap, result);
  return result;
}

function probe(bwrap: string): OsWall {
  if (process.platform !== 'linux') return { available: false, reason: `the OS wall needs Linux (this is ${process.platform})` };
  const found = isAbsolute(bwrap) ? (existsSync(bwrap) ? bwrap : undefined) : which(bwrap);
  if (!found) return { available: false, reason: `bubblewrap (${bwrap}) is not installed (Debian/Ubuntu: apt-get install bubblewrap)` };
  // A real sandbox with the namespaces the plugins get; the program is Node itself.
  const base = ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session',
    '--ro-bind', '/', '/', '--proc', '/proc', '--dev', '/dev'];
  const run = (extra: string[]) => spawnSync(found, [...base, ...extra, process.execPath, '-e', '0'], { timeout: 10_000, encoding: 'utf8', env: {} });
  const full = run(['--disable-userns']);
  if (full.status === 0) return { available: true, bwrap: found, disableUserns: true };
  const older = run([]);
  if (older.status === 0) return { available: true, bwrap: found, disableUserns: false };
  const why = (older.stderr || older.error?.message || `exit ${older.status ?? older.signal}`).trim().split('\n')[0];
  return { available: false, bwrap: found, reason: `bubblewrap cannot create a sandbox here (${why}); user namespaces may be disabled (kernel.unprivileged_userns_clone, user.max_user_namespaces, or an AppArmor/SELinux rule)` };
}

export interface WallLayout {
  grant: PermissionGrant;
  codeDir: string;
  dataDir: string;
  /** The runtime's plugin-side folders and the plugin's module folders (read-only). */
  runtimeDirs: string[];
  /** Paths a default folder may contain but must not show: the data root (peers' data), the config file. */
  hidden: string[];
  /** Absolute real paths of the granted commands. */
  commands: string[];
}

type Mount = { kind: 'ro' | 'rw' | 'mask-dir' | 'mask-file'; path: string };

function depth(path: string): number {
  return path === sep ? 0 : path.split(sep).length;
}

function within(parent: string, path: string): boolean {
  return path === parent || path.startsWith(parent.endsWith(sep) ? parent : parent + sep);
}

function real(path: string): string {
  return realPath(path, true);
}

/** The system part of the file system: libraries, the dynamic loader's cache, the Node binary. */
function systemMounts(grant: PermissionGrant): { args: string[]; mounts: Mount[] } {
  const args: string[] = [];
  const mounts: Mount[] = [];
  // Merged-/usr systems link /lib → usr/lib and so on: keep the links, mount the targets.
  for (const top of ['/bin', '/sbin', '/lib', '/lib32', '/lib64', '/libx32']) {
    let stat;
    try {
      stat = lstatSync(top);
    } catch {
      continue;
    }
    if (stat.isSymbolicLink()) args.push('--symlink', readlinkSync(top), top);
    else if (top.startsWith('/lib')) mounts.push({ kind: 'ro', path: top });
    else if (grant.run === true) mounts.push({ kind: 'ro', path: top });
  }
  // Shared libraries (Node links libstdc++, libm, libc…); programs only when any command may run.
  for (const dir of ['/usr/lib', '/usr/lib32', '/usr/lib64', '/usr/libx32', '/usr/local/lib']) if (existsSync(dir)) mounts.push({ kind: 'ro', path: dir });
  if (grant.run === true) for (const dir of ['/usr/bin', '/usr/sbin', '/usr/local/bin', '/usr/share']) if (existsSync(dir)) mounts.push({ kind: 'ro', path: dir });
  for (const file of ['/etc/ld.so.cache', '/etc/localtime']) if (existsSync(file)) mounts.push({ kind: 'ro', path: file });
  const net = grant.net === true || grant.net.length > 0;
  // Name resolution and TLS configuration only for a plugin that may use the network.
  if (net) {
    for (const file of ['/etc/resolv.conf', '/etc/hosts', '/etc/nsswitch.conf', '/etc/host.conf', '/etc/gai.conf', '/etc/ssl', '/etc/ca-certificates', '/usr/share/ca-certificates']) {
      if (existsSync(file)) mounts.push({ kind: 'ro', path: file });
    }
  }
  mounts.push({ kind: 'ro', path: real(process.execPath) });
  return { args, mounts };
}

/**
 * The bwrap arguments (up to and including `--`) that wall in one plugin. Paths are
 * mounted at the same place inside, so the grants, Node's permission flags and the
 * gates all speak of the same paths.
 */
export function wallArgs(wall: OsWall, layout: WallLayout): string[] {
  const { grant } = layout;
  // `run: true` (any program, as in the worker tier) includes signalling the host's
  // processes: only then does the plugin share the host's pid namespace.
  const sharePids = grant.run === true;
  const args = ['--unshare-user', '--unshare-ipc', '--unshare-uts', '--unshare-cgroup-try', '--die-with-parent', '--new-session'];
  if (!sharePids) args.push('--unshare-pid', '--as-pid-1');
  if (wall.disableUserns) args.push('--disable-userns');
  const net = grant.net === true || grant.net.length > 0;
  if (!net) args.push('--unshare-net');
  const sys = grant.sys === true || grant.sys.includes('hostname');
  if (!sys) args.push('--hostname', 'paddock-plugin');
  // Whole-disk grants mount the root itself first; the private /proc, /dev, /tmp, the
  // masks and the writable folders go on top.
  const whole = grant.write === true ? 'rw' : grant.read === true || grant.import === true ? 'ro' : undefined;
  if (whole) args.push(whole === 'rw' ? '--bind' : '--ro-bind', '/', '/');
  args.push('--proc', '/proc', '--dev', '/dev');
  // A private /tmp and /run, except under a whole-disk grant, which includes the host's.
  if (!whole) args.push('--tmpfs', '/tmp', '--tmpfs', '/run');

  const system = whole ? { args: [], mounts: [] } : systemMounts(grant);
  args.push(...system.args);
  const mounts: Mount[] = [...system.mounts];
  const list = (g: true | readonly string[]) => (g === true ? [] : [...g]);
  const explicitRead = [...list(grant.read), ...list(grant.import), ...list(grant.ffi)];
  const explicitWrite = list(grant.write);
  // /proc and /dev are the sandbox's own (its pid namespace, a minimal device set): a
  // grant naming a path there reaches that, never the host's.
  const own = (path: string) => !within('/proc', path) && !within('/dev', path);
  for (const path of [layout.codeDir, ...layout.runtimeDirs, ...explicitRead, ...layout.commands].filter(own)) mounts.push({ kind: 'ro', path });
  for (const path of [layout.dataDir, ...explicitWrite].filter(own)) mounts.push({ kind: 'rw', path });
  // A hidden path inside a mounted folder is covered (an empty read-only folder, or for a
  // file the host's /dev/null, which the sandbox's nodev mount cannot open) unless
  // a grant names it or a folder around it; the plugin's own data folder goes on top.
  const granted = (path: string) => grant.read === true || grant.import === true || grant.write === true
    || [...explicitRead, ...explicitWrite].some((g) => within(g, path));
  for (const path of layout.hidden) {
    if (granted(path) || !existsSync(path)) continue;
    if (!whole && !mounts.some((m) => (m.kind === 'ro' || m.kind === 'rw') && within(m.path, path) && m.path !== path)) continue;
    mounts.push({ kind: statSync(path).isDirectory() ? 'mask-dir' : 'mask-file', path });
  }
  // Parents before children; at one path, writable wins over read-only.
  const byPath = new Map<string, Mount>();
  for (const m of mounts) {
    if (!existsSync(m.path) && m.kind !== 'rw') continue;
    const prior = byPath.get(m.path);
    if (!prior || rank(m.kind) > rank(prior.kind)) byPath.set(m.path, m);
  }
  const ordered = [...byPath.values()].sort((a, b) => depth(a.path) - depth(b.path) || rank(a.kind) - rank(b.kind));
  // A covering tmpfs becomes read-only last: the folders mounted inside it need their mount points first.
  const remount: string[] = [];
  for (const m of ordered) {
    if (m.kind === 'ro') args.push('--ro-bind-try', m.path, m.path);
    else if (m.kind === 'rw') args.push('--bind-try', m.path, m.path);
    else if (m.kind === 'mask-dir') {
      args.push('--tmpfs', m.path);
      remount.push('--remount-ro', m.path);
    } else args.push('--ro-bind', '/dev/null', m.path);
  }
  args.push(...remount);
  // Start in the host's working folder, as in the worker tier (relative paths resolve the
  // same way); outside the mounts it is an empty folder. Inside a covered path: the code folder.
  const cwd = process.cwd();
  const covered = ordered.some((m) => (m.kind === 'mask-dir' || m.kind === 'mask-file') && within(m.path, cwd));
  const mounted = whole !== undefined || ordered.some((m) => (m.kind === 'ro' || m.kind === 'rw') && within(m.path, cwd));
  if (covered) args.push('--chdir', existsSync(layout.codeDir) ? layout.codeDir : dirname(layout.dataDir));
  else if (mounted) args.push('--chdir', cwd);
  else args.push('--dir', cwd, '--chdir', cwd);
  args.push('--');
  return args;
}

function rank(kind: Mount['kind']): number {
  return kind === 'ro' ? 0 : kind === 'rw' ? 1 : 2;
}

/** The nearest package.json above each folder (files to mount: they set the module type). */
export function nearestPackageJson(dirs: string[]): string[] {
  const out = new Set<string>();
  for (const dir of dirs) {
    for (let at = dirname(dir); ; at = dirname(at)) {
      const candidate = `${at === sep ? '' : at}${sep}package.json`;
      if (existsSync(candidate)) {
        out.add(candidate);
        break;
      }
      if (dirname(at) === at) break;
    }
  }
  return [...out];
}

/**
 * The host's pid of the Node process bwrap started (bwrap's only child: `--as-pid-1`,
 * or no pid namespace at all).
 * Read from /proc: the children list where the kernel has it, else every process's parent.
 */
export function sandboxedPid(bwrapPid: number): number | undefined {
  try {
    const children = readFileSync(`/proc/${bwrapPid}/task/${bwrapPid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
    if (children.length) return children[0];
  } catch {
    // no children file (CONFIG_PROC_CHILDREN off): scan
  }
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      if (Number(fields[1]) === bwrapPid) return Number(name);
    } catch {
      // gone meanwhile
    }
  }
  return undefined;
}
