/**
 * The CommonJS host of docs/guides/embedding.md runs as written, in a project without
 * "type": "module" (npm init -y's default) that has paddock-runtime installed (this
 * checkout, linked); and on the Node lines with require(esm), so does plain require().
 */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { promisify } from 'node:util';
import { repoRoot, tempDir } from '../helpers.js';
import { codeBlocks } from '../support/markdown.js';

const PLUGIN = `import { PluginImplementation, defineAction, z } from 'paddock-runtime/sdk';

export class PupPlugin extends PluginImplementation {
  meta = { name: 'greeter', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/greeter' };
  actions = {
    greet: defineAction({ params: z.object({ name: z.string() }), run: ({ name }) => \`\${this.config.options.greeting}, \${name}!\` }),
  };
}
`;

function project(t: { after: (fn: () => void) => void }): string {
  const dir = tempDir('paddock-cjs-host-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules'));
  symlinkSync(repoRoot, join(dir, 'node_modules', 'paddock-runtime'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "name": "cjs-host", "version": "1.0.0", "main": "index.js", "license": "ISC" }\n');
  writeFileSync(join(dir, 'plugin.mjs'), PLUGIN);
  return dir;
}

const run = (dir: string, file: string) => promisify(execFile)(process.execPath, [join(dir, file)], { cwd: dir, timeout: 60_000 });

test('the CommonJS host of the embedding guide runs as written', async (t) => {
  const block = codeBlocks('docs/guides/embedding.md').find((b) => b.code.startsWith('// host.cjs\n'));
  assert.ok(block, 'docs/guides/embedding.md shows a host.cjs');
  const dir = project(t);
  writeFileSync(join(dir, 'host.cjs'), block.code);
  const { stdout } = await run(dir, 'host.cjs');
  assert.equal(stdout, 'Hi, Ada!\n');
});

test('require(\'paddock-runtime\') works where Node has require(esm)', { skip: !(process.features as { require_module?: boolean }).require_module && 'this Node line has no require(esm) by default' }, async (t) => {
  const dir = project(t);
  writeFileSync(join(dir, 'host.cjs'), `const { PluginRuntime } = require('paddock-runtime');
const runtime = new PluginRuntime({ baseDir: __dirname, logLevel: 'warn' });
runtime.load({ url: './plugin.mjs', id: 'greeter', options: { greeting: 'Hello' } })
  .then(() => runtime.invoke('greeter', 'greet', { name: 'Grace' }))
  .then((greeting) => console.log(greeting))
  .finally(() => runtime.close());
`);
  const { stdout, stderr } = await run(dir, 'host.cjs');
  assert.equal(stdout, 'Hello, Grace!\n', stderr);
});
