/**
 * The bundled worker entries (build/bundle-workers.mjs, run by `npm run build`): one per
 * thread kind, each with a source map back to the TypeScript, and what plugin code
 * shares with the worker left out of them, so the plugin's `paddock-runtime/sdk` and Pup
 * shims are the worker's own instances (a copy inside the bundle would split the SDK's
 * client, its error classes and comlink's markers in two).
 */
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { Worker } from 'node:worker_threads';
import { repoRoot } from '../helpers.js';

const bundleDir = join(repoRoot, 'dist', 'workers', 'bundle');
const KINDS = ['bootstrap', 'task-worker', 'process-child', 'plugin-host-process', 'nested-worker', 'off-thread-hooks'];

function imports(kind: string): string[] {
  return [...readFileSync(join(bundleDir, `${kind}.js`), 'utf8').matchAll(/^import (?:[^"]* from )?"([^"]+)";$/gm)].map((m) => m[1]!);
}

test('one bundled entry per thread kind, each with a source map to the TypeScript sources', () => {
  for (const kind of KINDS) {
    assert.ok(existsSync(join(bundleDir, `${kind}.js`)), `${kind}.js is not built`);
    const map = JSON.parse(readFileSync(join(bundleDir, `${kind}.js.map`), 'utf8')) as { sources: string[]; sourcesContent: string[] };
    assert.ok(map.sources.some((source) => source.endsWith(`${kind}.ts`)), `${kind}.js.map does not lead to ${kind}.ts`);
    assert.equal(map.sourcesContent.length, map.sources.length);
  }
});

test('what plugin code shares with the worker is imported, not copied into the bundle', () => {
  for (const kind of ['bootstrap', 'process-child']) {
    const list = imports(kind);
    for (const shared of ['../../sdk/index.js', '../../sdk/client.js', '../../sdk/internal/worker-link.js', '../../sdk/errors.js', '../shims/pup/plugin.js', '../gates/installed.js', 'comlink']) {
      assert.ok(list.includes(shared), `${kind}.js should import ${shared}`);
    }
    // The runtime-only code is inside: no import of the gates or the loader as files.
    assert.deepEqual(list.filter((s) => /^\.\.\/(gates\/(?!installed\.js)|loader\/)/.test(s)), []);
  }
  // Threads that never run plugin code share nothing with one: only builtins and packages.
  for (const kind of ['off-thread-hooks', 'plugin-host-process']) {
    assert.deepEqual(imports(kind).filter((s) => s.startsWith('.')), [], `${kind}.js imports runtime files`);
  }
});

test('the bundled plugin-worker entry boots on its own (its module hooks and SDK load from the bundle folder)', async () => {
  const worker = new Worker(join(bundleDir, 'bootstrap.js'), { env: {}, stdout: true, stderr: true });
  try {
    const message = await new Promise<{ type?: string }>((resolve, reject) => {
      worker.on('message', resolve);
      worker.once('error', reject);
    });
    assert.equal(message.type, 'paddock:booted');
  } finally {
    await worker.terminate();
  }
});
