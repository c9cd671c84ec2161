/**
 * Data and config out of reach, in both tiers: the default data root
 * (<baseDir>/.paddock/data) sits inside a plugin's code folder when the plugin lives in
 * baseDir, and so does the config file; neither is opened by the code folder. A plugin
 * reads and writes its own data folder only, never a peer's or the config, unless its
 * grant names them. In the process tier the wall covers them too (an empty folder, and
 * a device node the sandbox cannot open), which a program the plugin runs (outside the gates) shows.
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, readFileSync, realpathSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { createLogger, PluginRuntime } from '../runtime/index.js';
import { ProcessHost } from '../runtime/pup/host.js';
import { createHostLogger } from '../runtime/pup/logger.js';
import { osWall } from '../runtime/transport/os-wall.js';
import { fixture, LogCapture, tempDir } from './helpers.js';

type Outcome = { ok: boolean; value?: unknown; code?: string; message?: string };
const walled = osWall(process.env.PADDOCK_BWRAP || 'bwrap').available;

for (const isolation of ['worker', 'process'] as const) {
  test(`${isolation} tier: a plugin in baseDir reads its own data folder, not a peer's, the data root or the config; a grant opens them`, async () => {
    const baseDir = realpathSync(tempDir('paddock-placement-'));
    copyFileSync(fixture('wall-probe.mjs'), join(baseDir, 'plugin.mjs'));
    copyFileSync(fixture('wall-nested.mjs'), join(baseDir, 'wall-nested.mjs'));
    const config = join(baseDir, 'paddock.json');
    writeFileSync(config, '{ "plugins": [{ "url": "./plugin.mjs", "options": { "apiKey": "config-secret" } }] }');
    const dataRoot = join(baseDir, '.paddock', 'data');
    const logs = new LogCapture();
    const runtime = new PluginRuntime({ logger: createLogger({ level: 'warn', destination: logs.stream }), baseDir, hiddenPaths: ['paddock.json'] });
    try {
      const run = isolation === 'process' ? ['cat', 'ls'] : [];
      await runtime.load({ url: './plugin.mjs', id: 'peer', isolation });
      writeFileSync(join(dataRoot, 'peer', 'secret.txt'), 'peer-secret');
      await runtime.load({ url: './plugin.mjs', id: 'nosy', isolation, permissions: { run } });
      const own = join(dataRoot, 'nosy', 'mine.txt');
      assert.deepEqual(await runtime.invoke('nosy', 'write', { path: own, text: 'mine' }), { ok: true, value: undefined }, 'writes its own data folder');
      assert.deepEqual(await runtime.invoke('nosy', 'read', { path: own }), { ok: true, value: 'mine' });
      assert.equal((await runtime.invoke('nosy', 'read', { path: join(baseDir, 'plugin.mjs') }) as Outcome).ok, true, 'its code folder is readable');
      for (const path of [join(dataRoot, 'peer', 'secret.txt'), config]) {
        const outcome = await runtime.invoke('nosy', 'read', { path }) as Outcome;
        assert.equal(outcome.code, 'PADDOCK_ERR_PERMISSION_DENIED', `reading ${path}`);
      }
      assert.equal((await runtime.invoke('nosy', 'list', { path: dataRoot }) as Outcome).code, 'PADDOCK_ERR_PERMISSION_DENIED');
      assert.equal((await runtime.invoke('nosy', 'write', { path: join(dataRoot, 'peer', 'planted.txt'), text: 'x' }) as Outcome).code, 'PADDOCK_ERR_PERMISSION_DENIED');
      if (isolation === 'process' && walled) {
        // Past the gates and Node's model: the wall shows an empty data root (but for its own folder) and no config.
        assert.deepEqual(await runtime.invoke('nosy', 'run', { command: 'ls', args: ['-A', dataRoot] }), { ok: true, value: 'nosy\n' });
        const cat = await runtime.invoke('nosy', 'run', { command: 'cat', args: [config] }) as Outcome;
        assert.equal(cat.ok, false);
        assert.doesNotMatch(String(cat.message), /config-secret/);
      }

      await runtime.load({ url: './plugin.mjs', id: 'trusted', isolation, permissions: { run, read: [join(dataRoot, 'peer'), config] } });
      assert.deepEqual(await runtime.invoke('trusted', 'read', { path: join(dataRoot, 'peer', 'secret.txt') }), { ok: true, value: 'peer-secret' });
      assert.deepEqual(await runtime.invoke('trusted', 'read', { path: config }), { ok: true, value: readFileSync(config, 'utf8') });
      if (isolation === 'process' && walled) {
        assert.deepEqual(await runtime.invoke('trusted', 'run', { command: 'cat', args: [config] }), { ok: true, value: readFileSync(config, 'utf8') });
      }
    } finally {
      await runtime.close();
      rmSync(baseDir, { recursive: true, force: true });
    }
  });
}

test('a plugin in baseDir can still load modules from its code folder next to the hidden data root', async () => {
  const baseDir = realpathSync(tempDir('paddock-placement-'));
  mkdirSync(join(baseDir, 'lib'));
  copyFileSync(fixture('wall-probe.mjs'), join(baseDir, 'plugin.mjs'));
  const runtime = new PluginRuntime({ logLevel: 'silent', baseDir });
  try {
    await runtime.load({ url: './plugin.mjs', id: 'p', isolation: 'process' });
    assert.equal((await runtime.invoke('p', 'read', { path: join(baseDir, 'plugin.mjs') }) as Outcome).ok, true);
  } finally {
    await runtime.close();
    rmSync(baseDir, { recursive: true, force: true });
  }
});

test('the process host hides its config file from the plugins it loads', async () => {
  const baseDir = realpathSync(tempDir('paddock-placement-'));
  copyFileSync(fixture('wall-probe.mjs'), join(baseDir, 'plugin.mjs'));
  const config = join(baseDir, 'paddock.json');
  writeFileSync(config, JSON.stringify({ plugins: [{ url: './plugin.mjs', id: 'p' }] }));
  const host = await ProcessHost.fromFile(config, { logger: createHostLogger({ level: 'silent' }), runtime: { dataDir: join(baseDir, 'data') } });
  try {
    await host.runtime.load({ url: './plugin.mjs', id: 'p' });
    assert.equal((await host.runtime.invoke('p', 'read', { path: config }) as Outcome).code, 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.equal((await host.runtime.invoke('p', 'read', { path: join(baseDir, 'plugin.mjs') }) as Outcome).ok, true);
  } finally {
    await host.stop('test finished');
    rmSync(baseDir, { recursive: true, force: true });
  }
});

test('runtime.loadConfig(file) hides that file from every plugin it loads; a grant that names it opens it', async () => {
  const baseDir = realpathSync(tempDir('paddock-placement-'));
  copyFileSync(fixture('wall-probe.mjs'), join(baseDir, 'plugin.mjs'));
  const config = join(baseDir, 'plugins.json');
  writeFileSync(config, JSON.stringify({ plugins: [
    { url: './plugin.mjs', id: 'nosy', options: { apiKey: 'config-secret' } },
    { url: './plugin.mjs', id: 'granted', permissions: { read: [config] } },
  ] }));
  const runtime = new PluginRuntime({ logger: createLogger({ level: 'silent' }), baseDir, dataDir: join(baseDir, 'data') });
  try {
    const report = await runtime.loadConfig(config);
    assert.equal(report.failed.length, 0);
    assert.equal((await runtime.invoke('nosy', 'read', { path: config }) as Outcome).code, 'PADDOCK_ERR_PERMISSION_DENIED');
    assert.deepEqual(await runtime.invoke('granted', 'read', { path: config }), { ok: true, value: readFileSync(config, 'utf8') });
  } finally {
    await runtime.close();
    rmSync(baseDir, { recursive: true, force: true });
  }
});
