/**
 * Loading plugins from npm: and jsr: against a real registry (Verdaccio on 127.0.0.1,
 * started once for this file), with fixture packages from test/fixtures/packages/.
 * The tests share the registry and run in order; each makes its own cache and config
 * folder unless it is about sharing them.
 */
import assert from 'node:assert/strict';
import { execSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync, writeFileSync, appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { PackageOptions } from '../runtime/packages/options.js';
import type { InstallProgress } from '../runtime/packages/progress.js';
import { fixture, tempDir, testRuntime, type TestRuntime } from './helpers.js';
import { closedPortUrl, startFailingServer, startRegistry, type TestRegistry } from './support/registry.js';

let registry: TestRegistry;
const cleanup: string[] = [];

function dir(prefix: string): string {
  const path = tempDir(`paddock-${prefix}-`);
  cleanup.push(path);
  return path;
}

interface Setup extends TestRuntime {
  configDir: string;
  cacheDir: string;
  progress: Array<InstallProgress & { id: string }>;
}

/** A runtime whose packages come from the test registry; lockfile in configDir. */
function setup(packages: PackageOptions = {}, folders: { configDir?: string; cacheDir?: string } = {}): Setup {
  const configDir = folders.configDir ?? dir('config');
  const cacheDir = folders.cacheDir ?? dir('cache');
  const t = testRuntime({
    baseDir: configDir,
    packages: { registry: registry.url, jsrRegistry: registry.url, cacheDir, fetchRetryDelayMs: 10, ...packages },
  });
  const progress: Array<InstallProgress & { id: string }> = [];
  t.runtime.on('plugin:progress', (p) => progress.push(p));
  return { ...t, configDir, cacheDir, progress };
}

function lockfileOf(configDir: string): { specifiers: Record<string, string>; packages: Record<string, { integrity: string; files: string; tree: Record<string, { version: string; integrity?: string }> }> } {
  return JSON.parse(readFileSync(join(configDir, 'paddock.lock'), 'utf8'));
}

before(async () => {
  registry = await startRegistry();
  for (const name of ['acme-shout', 'acme-greeter', 'jsr-acme-hello', 'acme-scripted-dep', 'acme-scripted', 'acme-no-entry', 'acme-no-class']) {
    await registry.publish(name);
  }
});

after(async () => {
  await registry?.stop();
  for (const path of cleanup) rmSync(path, { recursive: true, force: true });
});

// Shared by the tests below that are about a warm cache and an existing lockfile.
let warm: { configDir: string; cacheDir: string };

test('an npm-scoped plugin loads with its own dependency tree, and paddock.lock records it', async () => {
  const t = setup();
  try {
    const info = await t.runtime.load({ url: 'npm:@acme/greeter@^1.0.0' });
    assert.equal(info.id, 'greeter');
    assert.equal(info.state, 'running');
    assert.equal(await t.runtime.invoke('greeter', 'greet', { name: 'Ada' }), 'HELLO ADA!');
    // The bare import came from the plugin's own install in the cache.
    const shoutUrl = await t.runtime.invoke('greeter', 'whereIsShout') as string;
    assert.ok(fileURLToPath(shoutUrl).startsWith(join(t.cacheDir, 'installs')), shoutUrl);
    assert.match(shoutUrl, /node_modules\/@acme\/shout\/index\.js$/);

    const lock = lockfileOf(t.configDir);
    assert.deepEqual(lock.specifiers, { 'npm:@acme/greeter@^1.0.0': '@acme/greeter@1.0.0' });
    const locked = lock.packages['@acme/greeter@1.0.0']!;
    assert.match(locked.integrity, /^sha512-/);
    assert.match(locked.files, /^sha256-/);
    assert.deepEqual(Object.keys(locked.tree).sort(), ['node_modules/@acme/greeter', 'node_modules/@acme/shout']);
    assert.equal(locked.tree['node_modules/@acme/greeter']!.integrity, locked.integrity);

    // Progress events: resolve, then both tarballs fetched, then done.
    const phases = t.progress.map((p) => p.phase);
    assert.equal(phases[0], 'resolve');
    assert.equal(phases.at(-1), 'done');
    const lastFetch = t.progress.filter((p) => p.phase === 'fetch').at(-1)!;
    assert.deepEqual([lastFetch.id, lastFetch.specifier, lastFetch.done, lastFetch.total], ['greeter', 'npm:@acme/greeter@^1.0.0', 2, 2]);
    assert.ok(lastFetch.bytes! > 0);
    assert.equal(t.logs.has('disagree'), false, 'meta matches the package: no warning');
    warm = { configDir: t.configDir, cacheDir: t.cacheDir };
  } finally {
    await t.close();
  }
});

test('a second load of the same version makes no request to the registry', async () => {
  const before = await registry.requests();
  const t = setup({}, warm);
  try {
    await t.runtime.load({ url: 'npm:@acme/greeter@^1.0.0' });
    assert.equal(await t.runtime.invoke('greeter', 'greet', { name: 'Bob' }), 'HELLO BOB!');
    assert.equal(await registry.requests(), before, 'no request reached the registry');
    assert.deepEqual(t.progress.map((p) => p.phase), ['verify', 'done']);
  } finally {
    await t.close();
  }
});

test('frozen loads only what paddock.lock and the cache hold, and says clearly what is missing', async () => {
  const before = await registry.requests();
  const t = setup({ frozen: true }, warm);
  try {
    await t.runtime.load({ url: 'npm:@acme/greeter@^1.0.0' });
    assert.equal(await t.runtime.invoke('greeter', 'greet', { name: 'Cy' }), 'HELLO CY!');
    await assert.rejects(t.runtime.load({ url: 'npm:@acme/greeter@1', id: 'other-range' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_NOT_LOCKED');
      assert.match(error.message, /^npm:@acme\/greeter@1 is not in .*paddock\.lock/);
      return true;
    });
    assert.equal(await registry.requests(), before, 'frozen mode never asks the registry');
    assert.equal(t.runtime.get('greeter')?.state, 'running', 'the other plugin goes on');
  } finally {
    await t.close();
  }
  // The same lockfile with an empty cache: locked, but not cached.
  const cold = setup({ frozen: true }, { configDir: warm.configDir });
  try {
    await assert.rejects(cold.runtime.load({ url: 'npm:@acme/greeter@^1.0.0' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_NOT_CACHED');
      assert.match(error.message, /npm:@acme\/greeter@\^1\.0\.0: @acme\/(greeter|shout)@1\.0\.0 is not in the cache .* frozen mode does not download/);
      return true;
    });
    assert.equal(await registry.requests(), before);
  } finally {
    await cold.close();
  }
});

test('jsr:@scope/name loads @jsr/scope__name from the JSR npm registry', async () => {
  const t = setup({}, warm);
  try {
    const info = await t.runtime.load({ url: 'jsr:@acme/jsr-hello@^1' });
    assert.equal(info.id, 'jsr-hello');
    assert.equal(info.meta?.name, '@acme/jsr-hello');
    assert.equal(await t.runtime.invoke('jsr-hello', 'hello', { name: 'Deno' }), 'hello from jsr, Deno');
    assert.equal(lockfileOf(t.configDir).specifiers['jsr:@acme/jsr-hello@^1'], '@jsr/acme__jsr-hello@1.0.0');
    assert.equal(t.logs.has('disagree'), false, 'meta.name @acme/jsr-hello matches @jsr/acme__jsr-hello');
  } finally {
    await t.close();
  }
});

test('install scripts never run, neither the plugin\'s nor its dependencies\'', async () => {
  const marker = join(dir('marker'), 'scripts-ran.txt');
  process.env.PADDOCK_TEST_SCRIPT_MARKER = marker;
  const t = setup();
  try {
    await t.runtime.load({ url: 'npm:@acme/scripted@1.0.0' });
    assert.equal(await t.runtime.invoke('scripted', 'value'), 42);
    assert.equal(existsSync(marker), false, 'no install script wrote the marker');
    const installs = readdirSync(join(t.cacheDir, 'installs'));
    assert.equal(installs.length, 1);
    const modules = join(t.cacheDir, 'installs', installs[0]!, 'node_modules', '@acme');
    for (const name of ['scripted', 'scripted-dep']) assert.equal(existsSync(join(modules, name, 'script-ran.txt')), false);
    // The control: the very same script does write the marker when something runs it.
    const pkg = JSON.parse(readFileSync(join(modules, 'scripted-dep', 'package.json'), 'utf8')) as { scripts: Record<string, string> };
    assert.deepEqual(Object.keys(pkg.scripts), ['preinstall', 'install', 'postinstall']);
    execSync(pkg.scripts.postinstall!, { cwd: join(modules, 'scripted-dep'), env: { ...process.env, npm_lifecycle_event: 'postinstall', npm_package_name: '@acme/scripted-dep' } });
    assert.equal(readFileSync(marker, 'utf8'), 'postinstall @acme/scripted-dep\n');
  } finally {
    delete process.env.PADDOCK_TEST_SCRIPT_MARKER;
    await t.close();
  }
});

test('npm: and jsr: imports inside a plugin file are installed before it starts, and locked', async () => {
  const t = setup();
  try {
    const info = await t.runtime.load({ url: fixture('inline-imports-plugin.ts') });
    assert.equal(info.state, 'running');
    assert.equal(await t.runtime.invoke(info.id, 'both', { name: 'Ada' }), 'HELLO FROM JSR, ADA!');
    assert.equal(await t.runtime.invoke(info.id, 'lazy'), 'LAZY!');
    assert.equal(await t.runtime.invoke(info.id, 'nested'), 'DEEP! DEEP!');
    const lock = lockfileOf(t.configDir);
    // The type-only import was erased with the types: nothing was installed for it.
    assert.deepEqual(lock.specifiers, {
      'jsr:@acme/jsr-hello@^1': '@jsr/acme__jsr-hello@1.0.0',
      'npm:@acme/shout@1.0.0': '@acme/shout@1.0.0',
      'npm:@acme/shout@^1': '@acme/shout@1.0.0',
    });
    assert.deepEqual(new Set(t.progress.filter((p) => p.phase === 'done').map((p) => p.specifier)), new Set(['npm:@acme/shout@^1', 'npm:@acme/shout@1.0.0', 'jsr:@acme/jsr-hello@^1/helpers']));
  } finally {
    await t.close();
  }
  // Frozen and with the registry's answers counted: the file plugin's imports come from the lockfile and cache.
  const before = await registry.requests();
  const frozen = setup({ frozen: true }, { configDir: t.configDir, cacheDir: t.cacheDir });
  try {
    const info = await frozen.runtime.load({ url: fixture('inline-imports-plugin.ts') });
    assert.equal(await frozen.runtime.invoke(info.id, 'both', { name: 'Bo' }), 'HELLO FROM JSR, BO!');
    assert.equal(await registry.requests(), before);
  } finally {
    await frozen.close();
  }
});

test('the lockfile pins a range; a plugin whose meta disagrees with its package is loaded with a warning', async () => {
  await registry.publish('acme-greeter', { version: '1.1.0' });
  const t = setup({}, warm);
  try {
    // ^1.0.0 stays on the locked 1.0.0 although 1.1.0 is published now.
    const pinned = await t.runtime.load({ url: 'npm:@acme/greeter@^1.0.0' });
    assert.equal(pinned.meta?.version, '1.0.0');
    const newer = await t.runtime.load({ url: 'npm:@acme/greeter@1.1.0', id: 'newer' });
    assert.equal(newer.state, 'running');
    const warning = t.logs.lines.find((l) => l.plugin === 'newer' && String(l.msg).includes('disagree'));
    assert.ok(warning, 'a warning names the disagreement');
    assert.match(String(warning.msg), /package @acme\/greeter@1\.1\.0 and the plugin's meta disagree: meta\.version "1\.0\.0" is not the package's version "1\.1\.0"/);
    assert.equal(warning.level, 40);
  } finally {
    await t.close();
  }
});

test('each bad package input fails with its own error naming the specifier; the other plugins run', async () => {
  const t = setup();
  try {
    const report = await t.runtime.loadConfig({
      plugins: [
        { url: fixture('hello.ts'), options: { greeting: 'Hi' } },
        { url: 'npm:@acme/Greeter!!', id: 'malformed' },
        { url: 'jsr:unscoped@1', id: 'jsr-unscoped' },
        { url: 'gopher:acme/greeter', id: 'unknown-scheme' },
        { url: 'npm:@acme/nope@1', id: 'unknown-package' },
        { url: 'npm:@acme/greeter@^9', id: 'no-version' },
        { url: 'npm:@acme/no-entry@1', id: 'no-entry' },
        { url: 'npm:@acme/greeter@1.0.0/missing', id: 'no-subpath' },
        { url: 'npm:@acme/no-class@1', id: 'no-class' },
      ],
    }, { baseDir: t.configDir });
    assert.deepEqual(report.loaded.map((p) => p.id), ['hello']);
    const failures = Object.fromEntries(report.failed.map((f) => [f.id, f.error as Error & { code: string }]));
    const expect = (id: string, code: string, message: RegExp) => {
      assert.equal(failures[id]?.code, code, `${id}: ${failures[id]?.message}`);
      assert.match(failures[id]!.message, message);
      assert.equal(t.runtime.get(id)?.state, 'failed');
    };
    expect('malformed', 'PADDOCK_ERR_SPECIFIER_INVALID', /"npm:@acme\/Greeter!!" is malformed: "@acme\/Greeter!!" is not a valid npm package name/);
    expect('jsr-unscoped', 'PADDOCK_ERR_SPECIFIER_INVALID', /"jsr:unscoped@1" is malformed: "unscoped" is not a JSR package name/);
    expect('unknown-scheme', 'PADDOCK_ERR_URL_UNSUPPORTED', /"gopher:acme\/greeter" uses the unsupported scheme "gopher:"/);
    expect('unknown-package', 'PADDOCK_ERR_PACKAGE_NOT_FOUND', /^npm:@acme\/nope@1: the registry http:\/\/127\.0\.0\.1:\d+\/ has no package "@acme\/nope"/);
    expect('no-version', 'PADDOCK_ERR_NO_MATCHING_VERSION', /^npm:@acme\/greeter@\^9: no version of @acme\/greeter matches "\^9" \(available: 1\.0\.0, 1\.1\.0; latest is 1\.1\.0\)/);
    expect('no-entry', 'PADDOCK_ERR_PACKAGE_NO_ENTRY', /^npm:@acme\/no-entry@1: package @acme\/no-entry has no plugin entry: its package\.json has no "paddock" field/);
    expect('no-subpath', 'PADDOCK_ERR_PACKAGE_NO_ENTRY', /it has no file "missing"/);
    expect('no-class', 'PADDOCK_ERR_NO_PLUGIN_CLASS', /plugin "no-class" \(npm:@acme\/no-class@1\) exports no plugin class: .*found exports notAPlugin \(number\)/);
    assert.equal(await t.runtime.invoke('hello', 'greet', { name: 'Ada' }), 'Hi, Ada');
    for (const id of Object.keys(failures)) assert.ok(t.logs.has(/→ failed/, id), `${id}'s failure is logged with its name`);
  } finally {
    await t.close();
  }
});

test('an unreachable registry and one answering 5xx fail clearly after a bounded retry', async () => {
  const failing = await startFailingServer(503);
  const unreachable = setup({ registry: await closedPortUrl(), fetchRetries: 1 });
  const broken = setup({ registry: failing.url, fetchRetries: 2 });
  try {
    await assert.rejects(unreachable.runtime.load({ url: 'npm:@acme/greeter@1' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_REGISTRY_UNREACHABLE');
      assert.match(error.message, /^npm:@acme\/greeter@1: the registry http:\/\/127\.0\.0\.1:\d+\/ cannot be reached: ECONNREFUSED/);
      return true;
    });
    await assert.rejects(broken.runtime.load({ url: 'npm:@acme/greeter@1' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_REGISTRY_FAILED');
      assert.match(error.message, /^npm:@acme\/greeter@1: the registry http:\/\/127\.0\.0\.1:\d+\/ answered HTTP 503/);
      return true;
    });
    assert.equal(failing.count(), 3, 'one request and two retries, then it gives up');
  } finally {
    await unreachable.close();
    await broken.close();
    await failing.close();
  }
});

/** The single install folder of a cache. */
function installOf(cacheDir: string): string {
  const installs = readdirSync(join(cacheDir, 'installs'));
  assert.equal(installs.length, 1, `one install in ${cacheDir}: ${installs.join(', ')}`);
  return join(cacheDir, 'installs', installs[0]!);
}

test('a changed file in an installed package is refused, naming the file', async () => {
  const folders = { configDir: dir('config'), cacheDir: dir('cache') };
  const first = setup({}, folders);
  await first.runtime.load({ url: 'npm:@acme/greeter@1.0.0' });
  await first.close();
  appendFileSync(join(installOf(folders.cacheDir), 'node_modules', '@acme', 'shout', 'index.js'), '\nglobalThis.owned = true;\n');
  const t = setup({}, folders);
  try {
    const report = await t.runtime.loadConfig({ plugins: [{ url: 'npm:@acme/greeter@1.0.0' }, { url: fixture('hello.ts'), options: { greeting: 'Hi' } }] }, { baseDir: folders.configDir });
    assert.deepEqual(report.loaded.map((p) => p.id), ['hello']);
    const error = report.failed[0]!.error as Error & { code: string };
    assert.equal(error.code, 'PADDOCK_ERR_INTEGRITY');
    assert.match(error.message, /^npm:@acme\/greeter@1\.0\.0: integrity check failed for the installed files in the cache: changed: node_modules\/@acme\/shout\/index\.js .*refused/);
  } finally {
    await t.close();
  }
});

test('a tampered tarball in the cache is refused, and so is a registry tarball that does not match the lockfile', async () => {
  const folders = { configDir: dir('config'), cacheDir: dir('cache') };
  const first = setup({}, folders);
  // Not a plugin (it is a library), but installed and locked before that is found out.
  await assert.rejects(first.runtime.load({ url: 'npm:@acme/shout@1.0.0' }), /exports no plugin class/);
  await first.close();
  const locked = lockfileOf(folders.configDir).packages['@acme/shout@1.0.0']!;
  // The tarball's content file in cacache is named after its integrity.
  const hex = Buffer.from(locked.integrity.slice('sha512-'.length), 'base64').toString('hex');
  const content = join(folders.cacheDir, '_cacache', 'content-v2', 'sha512', hex.slice(0, 2), hex.slice(2, 4), hex.slice(4));
  assert.ok(existsSync(content), content);
  appendFileSync(content, 'tampered');
  rmSync(join(folders.cacheDir, 'installs'), { recursive: true });
  for (const frozen of [false, true]) {
    const before = await registry.requests();
    const t = setup({ frozen }, folders);
    try {
      await assert.rejects(t.runtime.load({ url: 'npm:@acme/shout@1.0.0', id: 'shout' }), (error: Error & { code?: string }) => {
        assert.equal(error.code, 'PADDOCK_ERR_INTEGRITY', error.message);
        assert.match(error.message, /^npm:@acme\/shout@1\.0\.0: integrity check failed for the cached tarball of @acme\/shout@1\.0\.0: .*does not match sha512-.*refused/);
        return true;
      });
      assert.equal(await registry.requests(), before, 'the tampered entry is not silently downloaded again');
    } finally {
      await t.close();
    }
  }
  // A lockfile whose integrity the registry's tarball does not match (cache empty).
  const lockPath = join(folders.configDir, 'paddock.lock');
  const lock = lockfileOf(folders.configDir);
  const wrong = `sha512-${Buffer.alloc(64, 7).toString('base64')}`;
  lock.packages['@acme/shout@1.0.0']!.integrity = wrong;
  lock.packages['@acme/shout@1.0.0']!.tree['node_modules/@acme/shout']!.integrity = wrong;
  writeFileSync(lockPath, JSON.stringify(lock));
  const t = setup({}, { configDir: folders.configDir });
  try {
    await assert.rejects(t.runtime.load({ url: 'npm:@acme/shout@1.0.0', id: 'shout' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_INTEGRITY', error.message);
      assert.match(error.message, /^npm:@acme\/shout@1\.0\.0: integrity check failed for a tarball of @acme\/shout/);
      return true;
    });
  } finally {
    await t.close();
  }
});

test('an invalid paddock.lock is refused with the path of each problem', async () => {
  const configDir = dir('config');
  writeFileSync(join(configDir, 'paddock.lock'), JSON.stringify({ lockfileVersion: 1, specifiers: { 'npm:x@1': 'x@1.0.0' }, packages: { 'x@1.0.0': { integrity: 'md5-x', files: 'sha256-x', tree: {} } } }));
  const t = setup({}, { configDir });
  try {
    await assert.rejects(t.runtime.load({ url: 'npm:x@1' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_LOCKFILE_INVALID');
      assert.match(error.message, /packages\.x@1\.0\.0\.integrity: expected an SRI hash/);
      return true;
    });
  } finally {
    await t.close();
  }
});

test('a private package needs the token from the variable tokenEnv names', async () => {
  await registry.publish('acme-greeter', { name: '@private/greeter' });
  const t = setup({ tokenEnv: 'PADDOCK_TEST_REGISTRY_TOKEN' });
  try {
    await assert.rejects(t.runtime.load({ url: 'npm:@private/greeter@1', id: 'anonymous' }), (error: Error & { code?: string }) => {
      assert.equal(error.code, 'PADDOCK_ERR_REGISTRY_FAILED');
      assert.match(error.message, /^npm:@private\/greeter@1: the registry .* answered HTTP 40[13]: .*\(set the token in the environment variable PADDOCK_TEST_REGISTRY_TOKEN\)/);
      return true;
    });
    process.env.PADDOCK_TEST_REGISTRY_TOKEN = registry.token;
    await t.runtime.load({ url: 'npm:@private/greeter@1', id: 'authenticated' });
    assert.equal(await t.runtime.invoke('authenticated', 'greet', { name: 'member' }), 'HELLO MEMBER!');
  } finally {
    delete process.env.PADDOCK_TEST_REGISTRY_TOKEN;
    await t.close();
  }
});

test('offline start: with the registry stopped, locked plugins load from the warm cache', async () => {
  await registry.stop();
  const t = setup({ fetchRetries: 0 }, warm);
  try {
    const report = await t.runtime.loadConfig({
      plugins: [
        { url: 'npm:@acme/greeter@^1.0.0' },
        { url: 'jsr:@acme/jsr-hello@^1' },
        // Not locked, but the registry's (still fresh) metadata and the tree are in the cache.
        { url: 'npm:@acme/greeter@~1.1.0', id: 'from-cached-metadata' },
        { url: 'npm:@acme/never-fetched@1', id: 'not-cached' },
      ],
    }, { baseDir: warm.configDir });
    assert.deepEqual(report.loaded.map((p) => p.id), ['greeter', 'jsr-hello', 'from-cached-metadata']);
    assert.equal(await t.runtime.invoke('greeter', 'greet', { name: 'offline' }), 'HELLO OFFLINE!');
    const error = report.failed[0]!.error as Error & { code: string };
    assert.equal(error.code, 'PADDOCK_ERR_REGISTRY_UNREACHABLE');
    assert.match(error.message, /^npm:@acme\/never-fetched@1: the registry .* cannot be reached/);
  } finally {
    await t.close();
  }
});
