/**
 * `npm start -- --duration 5` (the same command after the build): the example host
 * runs its demo processes and example plugins, stops by itself and exits 0, and its
 * output shows each example plugin at work.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { repoRoot } from '../helpers.js';
import { freePort, runNode } from './helpers.js';

test('the example host runs for 5 s, every example plugin works, and it exits 0', async (t) => {
  // The dashboard's port is chosen free here, so a host already running on 8570 cannot fail the test.
  const port = await freePort();
  const run = runNode(join(repoRoot, 'dist', 'examples', 'process-host', 'main.js'), ['--duration', '5', '--dashboard-port', String(port)]);
  t.after(() => run.kill());
  const { code } = await run.exited;
  const out = run.stdout();
  assert.equal(code, 0, `exit code; stderr: ${run.stderr()}`);
  assert.equal(run.stderr(), '');
  const expect = (pattern: RegExp, what: string) => assert.match(out, pattern, what);
  // memory-threshold (TypeScript, Paddock SDK)
  expect(/\[memory-threshold\] memory use \d+% is (below|above) the threshold of 95%/, 'memory-threshold reports on application_state');
  // status-alerter (plain JavaScript, control scope)
  expect(/\[status-alerter\] ALERT flaky failed \(exit code 1\); restarting it \(1 of 2\)/, 'status-alerter raises an alert');
  expect(/<flaky> starting \(requested by plugin "status-alerter"\)/, 'and restarts the failed process');
  // process-reporter (actions and configure())
  expect(/invoked action "summary" of process-reporter: \[demo\] \d of 2 running/, 'the reporter answers an action');
  expect(/\[process-reporter\] reconfigured/, 'its options change at run time');
  expect(/invoked action "summary" of process-reporter again: \[ops view\]/, 'and the action uses them');
  // pup-process-journal (written for Pup, unmodified)
  expect(/\[pup-process-journal\] journal started; processes: ticker, flaky/, 'the Pup plugin sees init and getProcesses');
  expect(/\[pup-process-journal\] flaky: running -> errored/, 'it hears process_status_changed');
  expect(/\[pup-process-journal\] flaky failed; its last output: .*flaky: lost the connection, giving up/, 'it reads getLogs');
  expect(/\[pup-process-journal\] journal closed/, 'its cleanup() runs');
  // the dashboard prints its address
  expect(new RegExp(`\\[dashboard\\] dashboard at http://127\\.0\\.0\\.1:${port}/`), 'the dashboard serves on its port');
  // the demo processes and the clean stop
  expect(/<ticker> tick 1/, 'the ticker process prints');
  expect(/terminating: --duration 5 s is over/, 'it stops by itself');
  expect(/<ticker> finished: exited with code 0 \(stopped\)/, 'the processes stop');
  assert.match(out.trimEnd().split('\n').at(-1)!, /INFO: stopped$/);
});
