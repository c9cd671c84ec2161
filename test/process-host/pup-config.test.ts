/**
 * Pup's own config format in the Pup profile: a pup.json with every key Pup's schema
 * has loads (the keys the profile does not carry out are named in one warning), and
 * Pup's scheduling works: `cron` starts a process on each tick with `process_scheduled`
 * announcing the next run, `terminate` stops one with `process_scheduled_terminate`,
 * `timeout` stops a process that runs too long. The listener is a Pup plugin declaring
 * Pup's API version (`api: "2.0.2"`), which Pup's meta rule accepts.
 */
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProcessHost } from '../../runtime/pup/host.js';
import { createHostLogger } from '../../runtime/pup/logger.js';
import { ApiProcessState } from '../../sdk/kernel/pup-api-definitions.js';
import { LogCapture } from '../helpers.js';
import { folderWith, waitUntil } from './helpers.js';

const listener = `
import { PluginImplementation, type PluginConfiguration } from "jsr:@pup/plugin"
import { PupRestClient } from "jsr:@pup/api-client"

export class PupPlugin extends PluginImplementation {
  public meta = { name: "schedule-listener", version: "0.1", api: "2.0.2", repository: "https://example.invalid/listener" }
  private client: PupRestClient
  private seen: Array<{ event: string; at: number; data: unknown }> = []
  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.client = new PupRestClient(\`http://\${apiUrl}\`, apiToken, true)
    this.apiUrlSeen = apiUrl
    for (const event of ["process_scheduled", "process_scheduled_terminate"]) {
      this.client.on(event, (data) => { this.seen.push({ event, at: Date.now(), data }) })
    }
  }
  public async refreshApiToken(token: string) {
    await super.refreshApiToken(token)
    this.client.refreshApiToken(token)
  }
  private apiUrlSeen: string
  public actions = { seen: () => this.seen, apiUrl: () => this.apiUrlSeen }
}
`;

const quoted = JSON.stringify(process.execPath);

test('a pup.json with every Pup key loads; cron, terminate and timeout run as Pup defines them', async (t) => {
  const folder = folderWith({
    'listener.ts': listener,
    'ticker.js': 'console.log(`tick ${process.env.GREETING} ${process.env.PUP_PROCESS_ID} ${process.env.PATH.endsWith(":/opt/extra")}`)',
    'worker.js': 'console.log(`worker ${process.argv[2]}`); setInterval(() => {}, 1000)',
    'watched.txt': 'v1',
    'pup.json': JSON.stringify({
      $schema: 'https://jsr.io/@pup/pup/1.0.4/docs/pup.schema.json',
      name: 'every-key',
      terminateTimeout: 5,
      terminateGracePeriod: 0,
      api: { hostname: '127.0.0.1', port: 16441, revoked: [] },
      logger: { console: true, stdout: 'out.log', stderr: 'err.log', colors: false, decorateFiles: false, decorate: true, internalLogHours: 1 },
      watcher: { interval: 100, exts: ['txt'], match: ['**/*.*'], skip: ['**/.git/**'] },
      processes: [
        {
          id: 'ticker', cmd: `${quoted} ticker.js`, cwd: '.', env: { GREETING: 'hi' }, path: '/opt/extra',
          cron: '*/1 * * * * *', overrun: false, restart: 'error', restartDelayMs: 100, restartLimit: 1,
          timeout: 30, terminateTimeout: 2, terminateGracePeriod: 0, pidFile: 'ticker.pid', logger: { console: true, decorate: false },
        },
        {
          id: 'worker-proc', worker: ['worker.js', 'arg1'], autostart: true, watch: ['watched.txt'],
          cluster: { instances: 2, commonPort: 16442, startPort: 16443, strategy: 'round-robin' },
          // Once, about six seconds in: a loaded machine may take a second or more to start node.
          terminate: `${new Date(Date.now() + 6_000).getSeconds()} * * * * *`,
        },
        { id: 'slow', cmd: `${quoted} -e "setInterval(() => {}, 1000)"`, autostart: true, restart: 'never', timeout: 1 },
      ],
      plugins: [{ url: './listener.ts', options: {} }],
    }),
  });
  t.after(folder.remove);
  const logs = new LogCapture();
  const host = await ProcessHost.fromFile(join(folder.dir, 'pup.json'), {
    logger: createHostLogger({ level: 'debug', destination: logs.stream }),
    runtime: { dataDir: join(folder.dir, '.data') },
  });
  const scheduled: Array<{ at: number; next?: string; status: { id: string } }> = [];
  host.runtime.on('process_scheduled', (data) => scheduled.push({ at: Date.now(), ...(data as { next?: string; status: { id: string } }) }));
  const report = await host.start();
  t.after(() => host.stop('test over'));
  assert.deepEqual(report.failed, [], 'the Pup plugin with api "2.0.2" is accepted under Pup\'s meta rule');

  const warnings = logs.lines.filter((l) => String(l.msg).includes('accepted but not implemented'));
  assert.equal(warnings.length, 1, 'one warning');
  assert.match(String(warnings[0]!.msg), /: api, logger, watcher, processes\[0\]\.pidFile, processes\[0\]\.logger, processes\[1\]\.cluster$/);
  assert.ok(logs.has('starting every-key: 1 plugin(s), 3 process(es)'));

  // The set-up announcement and two ticks' announcements, each naming the next whole second.
  await waitUntil(() => scheduled.length >= 3 || undefined, 'three process_scheduled events', 10_000);
  const nexts = scheduled.slice(0, 3).map((s) => Date.parse(s.next!));
  for (const [i, s] of scheduled.slice(0, 3).entries()) {
    assert.equal(s.status.id, 'ticker');
    assert.equal(new Date(s.next!).toISOString(), s.next, 'an ISO date');
    assert.equal(nexts[i]! % 1000, 0, 'a whole second');
    assert.ok(s.at < nexts[i]!, `announced before the run it names (${s.next} at ${new Date(s.at).toISOString()})`);
  }
  assert.ok(nexts[1]! > nexts[0]! && nexts[2]! > nexts[1]!, 'each announcement names a later run');
  await waitUntil(() => logs.lines.filter((l) => l.process === 'ticker' && l.msg === 'tick hi ticker true').length >= 2 || undefined, 'two cron runs of ticker');

  // A Pup plugin hears the same events.
  await host.runtime.drain();
  const seen = await host.runtime.invoke('listener', 'seen') as Array<{ event: string; data: { next?: string; status: { id: string } } }>;
  assert.ok(seen.filter((s) => s.event === 'process_scheduled').length >= 2);
  const apiUrl = await host.runtime.invoke('listener', 'apiUrl') as string;
  assert.equal(new URL(`http://${apiUrl}`).host, apiUrl, "apiUrl is in Pup's host:port form");
  const terminateAnnounced = seen.find((s) => s.event === 'process_scheduled_terminate');
  assert.equal(terminateAnnounced?.data.status.id, 'worker-proc');

  // worker ran as `node worker.js arg1` and its terminate pattern stopped it.
  await waitUntil(() => logs.has('worker arg1') || undefined, 'worker-proc to print its argument', 10_000);
  const worker = host.processes.get('worker-proc')!;
  await waitUntil(() => worker.state === ApiProcessState.FINISHED || undefined, 'the terminate cron to stop worker-proc', 12_000);
  assert.ok(logs.lines.some((l) => l.process === 'worker-proc' && String(l.msg).includes('stopping (cron termination)')));

  // timeout: 1 s, then stopped.
  const slow = host.processes.get('slow')!;
  await waitUntil(() => slow.state === ApiProcessState.FINISHED || undefined, 'slow to be stopped by its timeout', 5_000);
  assert.ok(logs.lines.some((l) => l.process === 'slow' && String(l.msg) === 'stopping (timeout: it ran 1 s)'));
});

test('overrun: a cron tick while the process runs starts another run only with overrun; without it the tick is refused', async (t) => {
  const long = `${quoted} -e "console.log('run ' + process.pid); setTimeout(() => {}, 2500)"`;
  const folder = folderWith({
    'pup.json': JSON.stringify({
      processes: [
        { id: 'overlapping', cmd: long, cron: '*/1 * * * * *', overrun: true, terminateTimeout: 1 },
        { id: 'single', cmd: long, cron: '*/1 * * * * *', terminateTimeout: 1 },
      ],
    }),
  });
  t.after(folder.remove);
  const logs = new LogCapture();
  const host = await ProcessHost.fromFile(join(folder.dir, 'pup.json'), { logger: createHostLogger({ level: 'debug', destination: logs.stream }), runtime: { dataDir: join(folder.dir, '.data') } });
  await host.start();
  t.after(() => host.stop('test over'));
  const runs = (id: string) => new Set(logs.lines.filter((l) => l.process === id && String(l.msg).startsWith('run ')).map((l) => l.msg)).size;
  await waitUntil(() => runs('overlapping') >= 2 || undefined, 'a second, overlapping run', 8_000);
  await waitUntil(() => logs.lines.some((l) => l.process === 'single' && String(l.msg).startsWith('still running, refusing to start')) || undefined, 'the refused tick', 8_000);
  assert.ok(logs.lines.some((l) => l.process === 'overlapping' && String(l.msg).startsWith('still running, starting another run (overrun')));
  assert.ok(!logs.lines.some((l) => l.process === 'single' && String(l.msg).includes('starting another run')), 'without overrun one run at a time');
});
