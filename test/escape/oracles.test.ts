/**
 * The module resolver must not be an oracle: asked about a file or a package outside
 * what the plugin may read, every route (Module._stat, Module._findPath,
 * require.resolve with and without paths, import.meta.resolve, Module._readPackage,
 * module.findPackageJSON) answers the same whether it exists or not. Granted read on
 * the folder, the same questions tell them apart (so each route is a real oracle the
 * gate closes, not one that never worked).
 */
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { after, before, describe, test } from 'node:test';
import { realpathSync } from 'node:fs';
import { repoRoot, tempDir, testRuntime, type TestRuntime } from '../helpers.js';

const ORACLES = [
  'stat', 'findPath', 'resolveRelativeWithPaths', 'resolvePackageWithPaths', 'resolvePackageUpTheTree',
  'importMetaResolve', 'readPackage', 'findPackageJSONOfFile', 'findPackageJSONOfPackage',
];

describe('module resolution is no oracle', () => {
  let rt: TestRuntime;
  let root: string;
  let existing: Record<string, string>;
  let missing: Record<string, string>;

  before(async () => {
    root = realpathSync(tempDir('paddock-oracle-'));
    const write = (path: string, text: string) => {
      mkdirSync(join(path, '..'), { recursive: true });
      writeFileSync(path, text);
    };
    write(join(root, 'secret', 'present.js'), 'module.exports = 1;\n');
    write(join(root, 'node_modules', 'hidden-pkg', 'package.json'), '{"name":"hidden-pkg","main":"index.js"}\n');
    write(join(root, 'node_modules', 'hidden-pkg', 'index.js'), 'module.exports = 1;\n');
    write(join(root, 'pkgdir', 'package.json'), '{"name":"pkgdir-name"}\n');
    write(join(root, 'pkgdir', 'x.js'), '\n');
    write(join(root, 'nopkg', 'x.js'), '\n');
    mkdirSync(join(root, 'plugin'));
    copyFileSync(join(repoRoot, 'test', 'escape', 'plugins', 'oracle.mjs'), join(root, 'plugin', 'oracle.mjs'));
    const common = { dir: join(root, 'secret'), root };
    existing = { ...common, file: join(root, 'secret', 'present.js'), base: 'present.js', pkg: 'hidden-pkg', pkgDir: join(root, 'pkgdir'), pkgFile: join(root, 'pkgdir', 'x.js') };
    missing = { ...common, file: join(root, 'secret', 'absent.js'), base: 'absent.js', pkg: 'missing-pkg', pkgDir: join(root, 'nopkg'), pkgFile: join(root, 'nopkg', 'x.js') };
    rt = testRuntime({ limits: { startTimeoutMs: 60_000 } });
    const url = pathToFileURL(join(root, 'plugin', 'oracle.mjs')).href;
    await rt.runtime.load({ url, id: 'oracle-none' });
    await rt.runtime.load({ url, id: 'oracle-read', permissions: { read: [root] } });
  });

  after(async () => {
    await rt?.close();
    if (root) rmSync(root, { recursive: true, force: true });
  });

  const ask = (id: string, oracle: string, target: Record<string, string>) => rt.runtime.invoke(id, 'ask', { oracle, target });

  for (const oracle of ORACLES) {
    test(oracle, async (t) => {
      if (!(await rt.runtime.invoke('oracle-none', 'has', oracle))) {
        t.skip(`not on Node ${process.versions.node}`);
        return;
      }
      const hidden = [await ask('oracle-none', oracle, existing), await ask('oracle-none', oracle, missing)];
      assert.deepEqual(hidden[0], hidden[1], `${oracle} tells an existing file from a missing one without read: ${JSON.stringify(hidden)}`);
      const seen = [await ask('oracle-read', oracle, existing), await ask('oracle-read', oracle, missing)];
      assert.notDeepEqual(seen[0], seen[1], `${oracle} should find the file once read is granted: ${JSON.stringify(seen)}`);
      assert.equal((seen[0] as { ok: boolean }).ok, true, `${oracle} with read: ${JSON.stringify(seen[0])}`);
    });
  }
});
