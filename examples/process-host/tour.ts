/**
 * What `npm start` does besides running: the host invokes an action of the example
 * reporter plugin, changes its options at run time (configure(), no restart), and
 * invokes it again, so the output shows actions and configure() at work.
 */
import type { ProcessHost } from '../../runtime/pup/host.js';

const REPORTER = 'process-reporter';

export async function exampleTour(host: ProcessHost): Promise<void> {
  const { runtime } = host;
  if (runtime.get(REPORTER)?.state !== 'running') return;
  const before = await runtime.invoke(REPORTER, 'summary') as { text: string };
  host.log('info', 'tour', `invoked action "summary" of ${REPORTER}: ${before.text}`);
  await runtime.reconfigure(REPORTER, { label: 'ops view', includeStopped: true });
  host.log('info', 'tour', `changed the options of ${REPORTER} at run time (configure(), no restart)`);
  const after = await runtime.invoke(REPORTER, 'summary') as { text: string };
  host.log('info', 'tour', `invoked action "summary" of ${REPORTER} again: ${after.text}`);
}
