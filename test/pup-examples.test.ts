/**
 * Our equivalents of Pup's example configs (examples/pup-configs/) load and run under
 * `paddock run` as a real child process: each runs for a bounded time, does what its
 * example is about, and exits 0 after its --duration. Keys the profile does not carry
 * out are named in one warning.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { join } from 'node:path';
import { cliPath, runNode } from './process-host/helpers.js';
import { repoRoot } from './helpers.js';

type Line = Record<string, unknown>;
const examples = join(repoRoot, 'examples', 'pup-configs');

interface Example {
  config: string;
  durationS: number;
  /** Lines that must appear before the run ends. */
  expect: Array<[string, (line: Line) => boolean]>;
  /** Expected unimplemented keys in the warning, or none. */
  unimplemented?: string;
  /** Extra checks once it has exited. */
  after?: (lines: Line[]) => void;
}

const from = (process: string, text: string | RegExp) => (l: Line) => l.process === process && (typeof text === 'string' ? String(l.msg).includes(text) : text.test(String(l.msg)));
const host = (text: string) => (l: Line) => l.process === undefined && l.plugin === undefined && String(l.msg).includes(text);

const EXAMPLES: Example[] = [
  {
    config: 'minimal/pup.jsonc', durationS: 2,
    expect: [['the server to run', from('forever', 'forever running as forever')]],
  },
  {
    config: 'basic/pup.jsonc', durationS: 2,
    unimplemented: 'logger, processes[0].pidFile, processes[1].logger',
    expect: [
      ['the server to listen', from('kept-alive-server', /^server listening on port \d+$/)],
      ['the task to be scheduled', from('periodic-example-task', /^scheduled to run at .* \('\*\/20 \* \* \* \* \*'\)$/)],
      ['the instance name', host('starting pup-basic-example')],
    ],
  },
  {
    config: 'basic-webinterface/pup.jsonc', durationS: 3,
    unimplemented: 'logger, processes[0].pidFile, processes[1].logger',
    expect: [
      ['the web interface to listen', (l) => l.plugin === 'web-interface' && String(l.msg) === 'listening on http://127.0.0.1:8002'],
      ['the server to listen', from('kept-alive-server', 'server listening')],
    ],
  },
  {
    config: 'cluster/pup.json', durationS: 2, unimplemented: 'processes[0].cluster',
    expect: [['the app (one instance) to run', from('cluster-example', /^cluster app on port \d+$/)]],
  },
  {
    config: 'docker/pup.jsonc', durationS: 6,
    expect: [['the cron task to run', from('periodic-task-demo', 'periodic task demo at')]],
  },
  {
    config: 'max-restarts/pup.jsonc', durationS: 2,
    expect: [['the failing server to be scheduled for a restart', from('max-3-times', 'restarting in 3000 ms (restart: always)')]],
  },
  {
    config: 'plugins/pup.jsonc', durationS: 2,
    expect: [
      ['the plugin to read its options', (l) => l.plugin === 'example-plugin' && l.msg === 'example plugin ready, threshold 17'],
      ['the plugin to hear process_scheduled', (l) => l.plugin === 'example-plugin' && /^periodic-example-task runs next at \d{4}-/.test(String(l.msg))],
    ],
  },
  {
    config: 'telemetry/pup.json', durationS: 2,
    expect: [['both tasks to run', from('task-2', /^task-2: heap \d+ kB$/)], ['task-1', from('task-1', 'task-1: heap')]],
  },
  {
    config: 'watcher/pup.jsonc', durationS: 2,
    expect: [['the watched script to run', from('demo-watch', 'watched script started')]],
  },
  {
    config: 'worker/pup.jsonc', durationS: 2, unimplemented: 'logger',
    expect: [['the worker script to run under node', from('kept-alive-worker-server', 'worker server on port 8083')]],
  },
];

for (const example of EXAMPLES) {
  test(`Pup's example ${example.config} runs under paddock run`, async (t) => {
    const run = runNode(cliPath, ['run', join(examples, example.config), '--duration', String(example.durationS)]);
    t.after(() => run.kill());
    for (const [what, match] of example.expect) await run.waitForLine(match, what, 15_000);
    const { code } = await run.exited;
    assert.equal(code, 0, run.stderr());
    const lines = run.lines.filter((l): l is Line => typeof l === 'object');
    const warnings = lines.filter((l) => String(l.msg).includes('accepted but not implemented'));
    if (example.unimplemented === undefined) assert.deepEqual(warnings, []);
    else {
      assert.equal(warnings.length, 1);
      assert.ok(String(warnings[0]!.msg).endsWith(`: ${example.unimplemented}`), String(warnings[0]!.msg));
    }
    example.after?.(lines);
  });
}
