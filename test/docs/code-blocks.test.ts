/**
 * Every ```ts and ```js block in README.md and docs/ compiles as a user would copy it.
 * Each block is type-checked on its own, as a module of a fresh ESM project that has
 * paddock-runtime installed (this checkout, linked, so its built types are the ones
 * checked). A block marked `<!-- from <path> -->` is an excerpt of a file in the
 * repository (readme.test.ts checks it is verbatim): that whole file is type-checked as
 * well, and the hosts among them run in their own tests (readme.test.ts,
 * models-examples.test.ts). A block meant as a fragment says so with `<!-- fragment -->`; they are
 * counted so that they stay few.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { test } from 'node:test';
import { repoRoot, tempDir } from '../helpers.js';
import { codeBlocks, markdownFiles, type CodeBlock } from '../support/markdown.js';

const MAX_FRAGMENTS = 4;
const languages = new Set(['ts', 'typescript', 'js', 'javascript']);
const blocks = markdownFiles().flatMap(codeBlocks).filter((block) => languages.has(block.lang));
const where = (block: CodeBlock) => `${block.file}:${block.line}`;

/** A block's file name: the one its first line names (`// host.cjs`), else one for its language. */
function fileName(block: CodeBlock, index: number): string {
  const named = /^\/\/ ([\w-]+\.(?:[cm]?js|[cm]?ts))\s*$/.exec(block.code.split('\n')[0]!)?.[1];
  if (named) return `block${index}-${named}`;
  return `block${index}.${block.lang.startsWith('t') ? 'ts' : 'js'}`;
}

test('the code blocks of the docs type-check against the built package', (t) => {
  const dir = tempDir('paddock-doc-blocks-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  mkdirSync(join(dir, 'node_modules', '@types'), { recursive: true });
  symlinkSync(repoRoot, join(dir, 'node_modules', 'paddock-runtime'), 'dir');
  symlinkSync(join(repoRoot, 'node_modules', '@types', 'node'), join(dir, 'node_modules', '@types', 'node'), 'dir');
  writeFileSync(join(dir, 'package.json'), '{ "name": "doc-blocks", "private": true, "type": "module" }\n');
  // npm installs the package's dependencies next to it: a host may import them (pino, @opentelemetry/api …).
  const { dependencies } = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
  for (const name of Object.keys(dependencies)) {
    mkdirSync(dirname(join(dir, 'node_modules', name)), { recursive: true });
    symlinkSync(join(repoRoot, 'node_modules', name), join(dir, 'node_modules', name), 'dir');
  }

  const files = new Map<string, string>(); // file name → where it came from
  blocks.forEach((block, index) => {
    if (block.fragment) return;
    // An excerpt's whole file is checked too (examples/plugins/ is outside the build).
    if (block.from && /\.[cm]?[jt]s$/.test(block.from)) files.set(join(repoRoot, block.from), block.from);
    const name = fileName(block, index);
    // A block without imports or exports would be a script sharing one scope with the others.
    const code = /\.c[jt]s$/.test(name) || /^(import|export) /m.test(block.code) ? block.code : `${block.code}export {};\n`;
    writeFileSync(join(dir, name), code);
    files.set(join(dir, name), where(block));
  });
  // One file that must fail, so a check that finds nothing cannot pass.
  writeFileSync(join(dir, 'sentinel.ts'), "export const wrong: number = 'text';\n");
  files.set(join(dir, 'sentinel.ts'), 'sentinel');

  const shims = join(repoRoot, 'dist', 'workers', 'shims', 'pup');
  writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({
    compilerOptions: {
      target: 'ES2023', lib: ['ES2023'], types: ['node'], module: 'NodeNext', moduleResolution: 'NodeNext',
      strict: true, noEmit: true, skipLibCheck: true, allowJs: true, checkJs: true, allowImportingTsExtensions: true,
      // A Pup plugin's jsr:@pup/… imports are the shims the runtime ships.
      paths: {
        'jsr:@pup/plugin': [join(shims, 'plugin.d.ts')],
        'jsr:@pup/api-client': [join(shims, 'api-client.d.ts')],
        'jsr:@pup/api-definitions': [join(shims, 'api-definitions.d.ts')],
      },
    },
    files: [...files.keys()],
  }, null, 2));

  const run = spawnSync(process.execPath, [join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', join(dir, 'tsconfig.json')], { cwd: dir, encoding: 'utf8', timeout: 240_000 });
  const errors = run.stdout.split('\n').filter((line) => /error TS\d+/.test(line));
  assert.ok(errors.some((line) => line.startsWith('sentinel.ts')), `the type check ran and found the sentinel's error\n${run.stdout}${run.stderr}`);
  const located = errors.filter((line) => !line.startsWith('sentinel.ts')).map((line) => {
    const file = /^(.*?)\(\d+,\d+\)/.exec(line)?.[1];
    const origin = file && [...files].find(([path]) => path === join(dir, file) || path === file)?.[1];
    return origin ? `${origin}: ${line}` : line;
  });
  assert.deepEqual(located, [], 'doc code blocks that do not type-check');
  assert.ok(files.size > 10, `expected the docs to have code blocks, found ${files.size - 1}`);
});

test(`at most ${MAX_FRAGMENTS} code blocks are marked as fragments`, () => {
  const fragments = blocks.filter((block) => block.fragment).map(where);
  assert.ok(fragments.length <= MAX_FRAGMENTS, `fragments: ${fragments.join(', ')}`);
});
