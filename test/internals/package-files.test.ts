import assert from 'node:assert/strict';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { after, test } from 'node:test';
import { packageOptionsFromFlags } from '../../runtime/cli/package-flags.js';
import { ProgressBar } from '../../runtime/cli/progress-bar.js';
import { findPackageEntry } from '../../runtime/packages/package-entry.js';
import { Lockfile, readLockfile } from '../../runtime/packages/lockfile.js';
import { defaultCacheDir, resolveCacheDir } from '../../runtime/packages/options.js';
import { parseSpecifier } from '../../runtime/packages/specifier.js';
import { tempDir as makeTempDir } from '../helpers.js';

const made: string[] = [];
const tempDir = (prefix: string) => {
  const dir = makeTempDir(prefix);
  made.push(dir);
  return dir;
};
after(() => {
  for (const dir of made) rmSync(dir, { recursive: true, force: true });
});

function writePackage(pkg: object, files: string[]): string {
  const dir = tempDir('paddock-pkg-');
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg));
  for (const file of files) {
    mkdirSync(join(dir, file, '..'), { recursive: true });
    writeFileSync(join(dir, file), 'export {};');
  }
  return dir;
}

test('a package entry comes from paddock, exports (with conditions and patterns) or main, inside the package', async () => {
  const dir = writePackage({
    name: 'p',
    exports: { '.': { import: './esm/index.js', require: './cjs/index.cjs' }, './tools/*': './lib/tools/*.js', './x': null },
  }, ['esm/index.js', 'lib/tools/a.js']);
  assert.equal((await findPackageEntry(dir, parseSpecifier('npm:p'))).file, join(dir, 'esm/index.js'));
  assert.equal((await findPackageEntry(dir, parseSpecifier('npm:p@1/tools/a'))).file, join(dir, 'lib/tools/a.js'));
  await assert.rejects(findPackageEntry(dir, parseSpecifier('npm:p@1/other')), /its "exports" have no entry for "\.\/other"/);
  await assert.rejects(findPackageEntry(dir, parseSpecifier('npm:p@1/tools/b')), /"\.\/lib\/tools\/b\.js", which does not exist/);
  const escaping = writePackage({ name: 'e', paddock: '../outside.js' }, []);
  await assert.rejects(findPackageEntry(escaping, parseSpecifier('npm:e')), /which is outside the package/);
  const plain = writePackage({ name: 'q' }, ['index.js', 'sub/mod.ts']);
  assert.equal((await findPackageEntry(plain, parseSpecifier('npm:q'))).file, join(plain, 'index.js'));
  assert.equal((await findPackageEntry(plain, parseSpecifier('npm:q@1/sub/mod'))).file, join(plain, 'sub/mod.ts'));
});

test('the lockfile is validated, and concurrent records all land', async () => {
  const dir = tempDir('paddock-lock-');
  const lockfile = new Lockfile(join(dir, 'paddock.lock'));
  const locked = (n: number) => ({ integrity: `sha512-${n}`, files: `sha256-${n}`, tree: { [`node_modules/p${n}`]: { version: '1.0.0' } } });
  await Promise.all([1, 2, 3, 4, 5].map((n) => lockfile.record(`npm:p${n}@1`, `p${n}`, '1.0.0', locked(n))));
  const lock = await readLockfile(lockfile.path);
  assert.deepEqual(Object.keys(lock.specifiers), ['npm:p1@1', 'npm:p2@1', 'npm:p3@1', 'npm:p4@1', 'npm:p5@1']);
  assert.deepEqual(await lockfile.lookup('npm:p3@1'), { id: 'p3@1.0.0', name: 'p3', version: '1.0.0', locked: locked(3) });
  writeFileSync(lockfile.path, JSON.stringify({ ...lock, specifiers: { 'npm:gone@1': 'gone@1.0.0' } }));
  await assert.rejects(readLockfile(lockfile.path), /specifiers\.npm:gone@1: names "gone@1\.0\.0", which is not in "packages"/);
  writeFileSync(lockfile.path, '{ not json');
  await assert.rejects(readLockfile(lockfile.path), (error: Error & { code?: string }) => error.code === 'PADDOCK_ERR_LOCKFILE_INVALID' && /not JSON/.test(error.message));
});

test('the cache directory: code, then PADDOCK_CACHE_DIR, then a per-user default', () => {
  assert.equal(resolveCacheDir('/from/code', { PADDOCK_CACHE_DIR: '/from/env' }), '/from/code');
  assert.equal(resolveCacheDir(undefined, { PADDOCK_CACHE_DIR: '/from/env' }), '/from/env');
  assert.equal(defaultCacheDir({ XDG_CACHE_HOME: '/xdg' }, 'linux'), join('/xdg', 'paddock'));
  assert.match(defaultCacheDir({}, 'darwin'), /Library[\\/]Caches[\\/]paddock$/);
  assert.match(defaultCacheDir({ LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }, 'win32'), /paddock[\\/]Cache$/);
});

test('command-line flags become package options, checked like options in code', () => {
  assert.deepEqual(packageOptionsFromFlags({ 'cache-dir': 'cache', frozen: true, registry: 'http://127.0.0.1:4873' }), {
    cacheDir: join(process.cwd(), 'cache'), frozen: true, registry: 'http://127.0.0.1:4873',
  });
  assert.throws(() => packageOptionsFromFlags({ 'jsr-registry': 'not a url' }), (error: Error & { exitCode?: number }) => {
    assert.equal(error.exitCode, 2);
    assert.equal(error.message, 'invalid option --jsr-registry: expected an http(s) URL of a JSR npm registry');
    return true;
  });
});

test('the progress bar redraws one line on a terminal and prints lines elsewhere', () => {
  const capture = (tty: boolean) => {
    let text = '';
    const stream = Object.assign(new Writable({ write(chunk: Buffer, _e, done) { text += chunk.toString(); done(); } }), { isTTY: tty, columns: 120 });
    const bar = new ProgressBar(stream);
    bar.update({ specifier: 'npm:a', phase: 'resolve', message: 'a@latest' });
    bar.update({ specifier: 'npm:a', phase: 'fetch', done: 0, total: 2, bytes: 0 });
    bar.update({ specifier: 'npm:a', phase: 'fetch', done: 1, total: 2, bytes: 1500, message: 'a@1.0.0' });
    bar.update({ specifier: 'npm:a', phase: 'fetch', done: 2, total: 2, bytes: 2_500_000, message: 'b@1.0.0' });
    bar.finish('done');
    return text;
  };
  const plain = capture(false);
  assert.equal(plain, [
    'resolve npm:a  a@latest',
    'fetch [                        ] 0/2 packages  0 B',
    'fetch [===========>            ] 1/2 packages  1.5 kB  a@1.0.0',
    'fetch [========================] 2/2 packages  2.5 MB  b@1.0.0',
    'done',
    '',
  ].join('\n'));
  const tty = capture(true);
  assert.ok(tty.startsWith('\r\x1b[2Kresolve npm:a'));
  assert.ok(tty.includes('\r\x1b[2Kfetch ['));
  assert.ok(tty.endsWith('\r\x1b[2Kdone\n'));
  assert.equal(tty.includes('\n'), true);
  assert.equal(tty.split('\n').length, 2, 'one line redrawn, then the summary');
});
