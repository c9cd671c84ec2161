/**
 * The published types compile in a Node-only project: lib ES2023, types node, NodeNext,
 * strict, and skipLibCheck false, so every .d.ts reached from the package's exports is
 * checked. A plugin importing only paddock-runtime/sdk and a host importing
 * paddock-runtime and paddock-runtime/sdk/testing are type-checked against the built
 * dist through the package's exports (this checkout linked as node_modules/paddock-runtime).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tempDir } from './helpers.js';

const files: Record<string, string> = {
  'package.json': '{ "name": "node-only-types", "private": true, "type": "module" }\n',
  'tsconfig.json': `${JSON.stringify({
    compilerOptions: {
      target: 'ES2023', lib: ['ES2023'], types: ['node'], module: 'NodeNext', moduleResolution: 'NodeNext',
      strict: true, skipLibCheck: false, noEmit: true,
    },
    files: ['plugin.ts', 'host.ts'],
  }, null, 2)}\n`,
  'plugin.ts': `import { PluginImplementation, defineAction, z, type PluginConfiguration } from 'paddock-runtime/sdk';

export class PupPlugin extends PluginImplementation<{ greeting: string }> {
  override meta = { name: 'typed', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/typed' };
  constructor(config: PluginConfiguration<{ greeting: string }>, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken);
  }
  override actions = {
    greet: defineAction({ params: z.object({ name: z.string() }), run: ({ name }) => \`\${this.config.options.greeting}, \${name}!\` }),
  };
}
`,
  'host.ts': `import { PluginRuntime, defineMethod, z } from 'paddock-runtime';
import { startPlugin } from 'paddock-runtime/sdk/testing';

const runtime = new PluginRuntime({
  api: { countUsers: defineMethod({ scope: 'users', params: z.tuple([]), handler: () => 42 }) },
});
const report = await runtime.loadConfig({ plugins: [{ url: './plugin.js', scopes: ['users'] }] });
export const loaded: number = report.loaded.length;
const plugin = await startPlugin({ plugin: new URL('./plugin.js', import.meta.url) });
await plugin.close();
await runtime.close();
`,
};

function project(extra: Record<string, string> = {}): string {
  const dir = tempDir('paddock-types-');
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(repoRoot, join(dir, 'node_modules', 'paddock-runtime'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  for (const [name, text] of Object.entries({ ...files, ...extra })) writeFileSync(join(dir, name), text);
  return dir;
}

function tsc(dir: string) {
  // npx from the checkout finds its own TypeScript; -p points it at the fixture project.
  return spawnSync('npx', ['--no-install', 'tsc', '-p', join(dir, 'tsconfig.json')], { cwd: repoRoot, encoding: 'utf8', timeout: 120_000 });
}

test('a plugin and a host type-check under lib ES2023 with skipLibCheck false', (t) => {
  const dir = project();
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = tsc(dir);
  assert.equal(run.status, 0, `${run.stdout}${run.stderr}`);
});

test('the same check fails on a real type error (it is not vacuous)', (t) => {
  const dir = project({ 'plugin.ts': `${files['plugin.ts']}\nexport const wrong: number = 'text';\n` });
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const run = tsc(dir);
  assert.notEqual(run.status, 0);
  assert.match(run.stdout, /plugin\.ts\(\d+,\d+\): error TS2322/);
});
