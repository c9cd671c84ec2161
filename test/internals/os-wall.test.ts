/**
 * The OS wall's bwrap arguments (runtime/transport/os-wall.ts) for a few grants: what
 * is mounted, in which order, and which namespaces. test/process-wall.test.ts shows the
 * wall holding against real programs.
 */
import assert from 'node:assert/strict';
import { mkdirSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, test } from 'node:test';
import { NO_PERMISSIONS } from '../../sdk/kernel/sandbox-data.js';
import { wallArgs, type OsWall } from '../../runtime/transport/os-wall.js';
import { tempDir } from '../helpers.js';

const wall: OsWall = { available: true, bwrap: '/usr/bin/bwrap', disableUserns: true };
const base = realpathSync(tempDir('paddock-wall-args-'));
const dataRoot = join(base, '.paddock', 'data');
mkdirSync(join(dataRoot, 'x'), { recursive: true });
mkdirSync(join(dataRoot, 'peer'), { recursive: true });
const config = join(base, 'paddock.json');
writeFileSync(config, '{}');
after(() => rmSync(base, { recursive: true, force: true }));

const layout = (grant = NO_PERMISSIONS) => ({ grant, codeDir: base, dataDir: join(dataRoot, 'x'), runtimeDirs: [], hidden: [dataRoot, config], commands: [] });

function pairs(args: string[], flag: string): string[] {
  return args.flatMap((arg, i) => (arg === flag ? [args[i + 1]!] : []));
}

test('granted nothing: own namespaces, no network, the code folder read-only with the data root and config covered, its data folder on top', () => {
  const args = wallArgs(wall, layout());
  for (const flag of ['--unshare-user', '--unshare-pid', '--unshare-net', '--unshare-ipc', '--unshare-uts', '--die-with-parent', '--new-session', '--disable-userns']) {
    assert.ok(args.includes(flag), flag);
  }
  assert.equal(args.at(-1), '--');
  const order = (path: string, flag: string) => args.findIndex((arg, i) => arg === flag && args[i + 1] === path);
  assert.ok(order(base, '--ro-bind-try') >= 0, 'code folder read-only');
  assert.ok(order(dataRoot, '--tmpfs') > order(base, '--ro-bind-try'), 'the data root is covered after the code folder is mounted');
  assert.ok(order(join(dataRoot, 'x'), '--bind-try') > order(dataRoot, '--tmpfs'), 'its own data folder goes on top, writable');
  assert.ok(order(dataRoot, '--remount-ro') > order(join(dataRoot, 'x'), '--bind-try'), 'the cover turns read-only last');
  assert.ok(args.some((arg, i) => arg === '--ro-bind' && args[i + 1] === '/dev/null' && args[i + 2] === config), 'config covered');
  assert.ok(!pairs(args, '--ro-bind-try').includes(join(dataRoot, 'peer')));
  assert.ok(!pairs(args, '--ro-bind-try').some((p) => p === '/etc/resolv.conf'), 'no name service without net');
});

test('grants open what they name: net shares the network, run: true the pids, a read grant a peer\'s folder, read: true the disk', () => {
  const net = wallArgs(wall, layout({ ...NO_PERMISSIONS, net: ['127.0.0.1:80'] }));
  assert.ok(!net.includes('--unshare-net'));
  assert.ok(!wallArgs(wall, layout({ ...NO_PERMISSIONS, run: true })).includes('--unshare-pid'));
  const peer = wallArgs(wall, layout({ ...NO_PERMISSIONS, read: [join(dataRoot, 'peer'), config] }));
  assert.ok(pairs(peer, '--ro-bind-try').includes(join(dataRoot, 'peer')));
  assert.ok(!peer.some((arg, i) => arg === '/dev/null' && peer[i + 1] === config), 'a granted config is not covered');
  const all = wallArgs(wall, layout({ ...NO_PERMISSIONS, read: true }));
  assert.deepEqual(all.slice(all.indexOf('--ro-bind'), all.indexOf('--ro-bind') + 3), ['--ro-bind', '/', '/']);
  assert.ok(all.indexOf('--ro-bind') < all.indexOf('--proc'), 'the disk first, its own /proc on top');
  assert.ok(!pairs(all, '--tmpfs').includes(dataRoot), 'read: true covers nothing');
  const proc = wallArgs(wall, layout({ ...NO_PERMISSIONS, read: ['/proc'] }));
  assert.ok(!pairs(proc, '--ro-bind-try').includes('/proc'), 'a /proc grant reaches the sandbox\'s own /proc, never the host\'s');
});
