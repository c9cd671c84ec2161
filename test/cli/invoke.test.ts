/** `paddock invoke` as a real child process, for each kind of plugin: result on stdout, progress on stderr, one-line failures. */
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { cliPath } from '../process-host/helpers.js';
import { repoRoot, tempDir } from '../helpers.js';

const MODELS = 'examples/models/paddock.config.jsonc';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function invoke(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cliPath, 'invoke', ...args], { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

function primesBelow(n: number): number {
  const composite = new Uint8Array(n);
  let count = 0;
  for (let i = 2; i < n; i++) {
    if (composite[i]) continue;
    count++;
    for (let m = i * i; m < n; m += i) composite[m] = 1;
  }
  return count;
}

test('an action of a worker plugin: its result as JSON on stdout', async () => {
  const run = await invoke(MODELS, 'greeter', 'greet', '{"name": "Ada"}');
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '"Hello, Ada!"\n');
  assert.equal(run.stderr, '');
});

test('a task in the plugin\'s pool: progress on stderr in order, the result on stdout', async () => {
  const run = await invoke(MODELS, 'primes', 'countPrimes', '{"below": 2500000}');
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(JSON.parse(run.stdout), { below: 2_500_000, count: primesBelow(2_500_000) });
  const percents = run.stderr.trim().split('\n').map((line) => /^progress +(\d+)%  checked/.exec(line)?.[1]);
  assert.deepEqual(percents, ['40', '80', '100']);
});

test('a raw external plugin (sh): text and JSON results, progress from its stderr', async () => {
  const summary = await invoke(MODELS, 'system-report', 'summary');
  assert.equal(summary.code, 0, summary.stderr);
  assert.match(JSON.parse(summary.stdout) as string, / on /);
  const facts = await invoke(MODELS, 'system-report', 'facts');
  assert.equal(facts.code, 0, facts.stderr);
  assert.deepEqual(Object.keys(JSON.parse(facts.stdout) as object), ['kernel', 'machine', 'shell']);
  assert.equal(facts.stderr, 'progress  50%  kernel\nprogress 100%  shell\n');
});

test('an rpc external plugin (Python): an action, then a task in a process of its own', async (t) => {
  // A copy of the example's entry in a folder of its own: the notes it keeps go there.
  const dir = tempDir('paddock-invoke-');
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const config = join(dir, 'notes.json');
  writeFileSync(config, JSON.stringify({
    plugins: [{
      exec: ['python3', '{pluginDir}/notes.py'],
      interface: 'rpc',
      dir: join(repoRoot, 'examples', 'external'),
      id: 'notes',
      tasks: [{ name: 'wordCount', execArgs: ['--task'] }],
    }],
  }));
  const add = await invoke(config, 'notes', 'add', '{"text": "the cat and the hat"}');
  assert.equal(add.code, 0, add.stderr);
  assert.equal(add.stdout, '1\n');
  const count = await invoke(config, 'notes', 'wordCount', '{"top": 1}');
  assert.equal(count.code, 0, count.stderr);
  assert.deepEqual(JSON.parse(count.stdout), { notes: 1, top: [['the', 2]] });
  assert.equal(count.stderr, 'progress 100%  note 1 of 1\n');
  const invalid = await invoke(config, 'notes', 'add', '{"text": ""}');
  assert.equal(invalid.code, 1);
  assert.equal(invalid.stderr, 'paddock invoke: action "add" of plugin "notes" got invalid params: text: Too small: expected string to have >=1 characters\n');
});

test('failures end with one line on stderr and the documented exit code', async () => {
  const cases: Array<[string[], number, RegExp]> = [
    [[MODELS, 'nobody', 'greet'], 2, /^paddock invoke: examples\/models\/paddock\.config\.jsonc has no plugin "nobody" \(it has: greeter, primes, runtime-info, heap-monitor, notes, system-report\)$/],
    [[MODELS, 'greeter', 'wave'], 2, /^paddock invoke: plugin "greeter" has no action or task "wave" \(actions: greet; tasks: none\)$/],
    [[MODELS, 'greeter', 'greet', '{name'], 2, /^paddock invoke: params-json is not JSON: /],
    [[MODELS, 'greeter'], 2, /^paddock invoke: expected <config> <plugin-id> <action-or-task> \[params-json\] \(see --help\)$/],
    [[MODELS, 'primes', 'countPrimes', '{"below": 200000000}', '--timeout', '0.5'], 1, /^paddock invoke: plugin "primes": task "countPrimes" did not finish within 500 ms and was cancelled$/],
    [['examples/models/missing.jsonc', 'x', 'y'], 3, /^paddock invoke: cannot read config examples\/models\/missing\.jsonc: no such file$/],
  ];
  await Promise.all(cases.map(async ([args, code, line]) => {
    const run = await invoke(...args);
    assert.equal(run.code, code, `${args.join(' ')}: ${run.stderr}`);
    assert.equal(run.stdout, '');
    const lines = run.stderr.trim().split('\n').filter((l) => !l.startsWith('progress '));
    assert.equal(lines.length, 1, run.stderr);
    assert.match(lines[0]!, line);
  }));
});

test('paddock check lists a plugin\'s tasks and what it collects', async () => {
  const check = (plugin: string) => new Promise<Run>((resolve) => {
    execFile(process.execPath, [cliPath, 'check', plugin], { cwd: repoRoot, timeout: 60_000 }, (error, stdout, stderr) => resolve({ code: error ? -1 : 0, stdout, stderr }));
  });
  const [primes, monitor] = await Promise.all([check('examples/plugins/primes.ts'), check('examples/plugins/heap-monitor.ts')]);
  assert.equal(primes.code, 0, primes.stderr);
  assert.match(primes.stdout, /^actions      isPrime\{ n \} - Whether a number is prime/m);
  assert.match(primes.stdout, /^tasks        countPrimes\{ below \} - Count the primes below a number/m);
  assert.equal(monitor.code, 0, monitor.stderr);
  assert.match(monitor.stdout, /^collects     monitor, every 10 s unless the entry sets collector\.interval$/m);
});
