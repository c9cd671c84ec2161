/** The help texts and the Pup plugin shown in docs/guides/ and docs/reference/cli.md are the real ones. */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { test } from 'node:test';
import { main } from '../../runtime/cli/main.js';
import { repoRoot } from '../helpers.js';

async function output(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const sink = (append: (text: string) => void) => new Writable({
    write(chunk: Buffer, _encoding, done) {
      append(chunk.toString());
      done();
    },
  });
  const code = await main(args, { stdout: sink((t) => { stdout += t; }), stderr: sink((t) => { stderr += t; }) });
  return { code, stdout, stderr };
}

/** The text of the ```text block that starts with the line `$ <command>`. */
function shownOutput(file: string, command: string): string {
  const text = readFileSync(join(repoRoot, file), 'utf8');
  const start = text.indexOf(`\`\`\`text\n$ ${command}\n`);
  assert.ok(start >= 0, `${file} shows the output of "${command}"`);
  const body = text.slice(start + `\`\`\`text\n$ ${command}\n`.length);
  return body.slice(0, body.indexOf('```'));
}

test('paddock --help matches docs/guides/cli.md', async () => {
  const { code, stdout } = await output(['--help']);
  assert.equal(code, 0);
  assert.equal(shownOutput('docs/guides/cli.md', 'paddock --help'), stdout);
});

test('paddock run --help, check --help and invoke --help match docs/reference/cli.md', async () => {
  for (const command of ['run', 'check', 'invoke']) {
    const { code, stdout } = await output([command, '--help']);
    assert.equal(code, 0);
    assert.equal(shownOutput('docs/reference/cli.md', `paddock ${command} --help`), stdout);
  }
});

test('the Pup plugin in docs/guides/pup-plugins.md is examples/plugins/pup-process-journal.ts', () => {
  const readme = readFileSync(join(repoRoot, 'docs/guides/pup-plugins.md'), 'utf8');
  const source = readFileSync(join(repoRoot, 'examples/plugins/pup-process-journal.ts'), 'utf8');
  assert.ok(readme.includes(`\`\`\`ts\n${source}\`\`\``), 'the guide shows the file as it is');
});

test('an unknown command exits 2 with one line', async () => {
  const { code, stdout, stderr } = await output(['launch']);
  assert.equal(code, 2);
  assert.equal(stdout, '');
  assert.equal(stderr, 'paddock: unknown command "launch" (run "paddock --help")\n');
});
