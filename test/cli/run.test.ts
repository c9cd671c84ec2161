/**
 * `paddock run` as a real child process, with a plugin written the way Pup's plugin
 * documentation shows (the memory example): its log lines reach the host's log, its
 * application_state handler fires, and its cleanup() runs when the host is stopped.
 * Then the exit codes and one-line reasons for a bad config and a refused plugin.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { cliPath, folderWith, runNode } from '../process-host/helpers.js';

// Follows the memory example of Pup's plugin documentation; cleanup() also says goodbye.
const pupMemoryPlugin = `
import { PupRestClient } from "jsr:@pup/api-client"
import { type PluginConfiguration, PluginImplementation } from "jsr:@pup/plugin"
import type { ApiApplicationState } from "jsr:@pup/api-definitions"

interface Configuration {
  threshold: string
}

export class PupPlugin extends PluginImplementation {
  public meta = {
    name: "MemoryExample",
    version: "1.0.0",
    api: "1.0.0",
    repository: "https://example.invalid/memory-example",
  }

  private config: Configuration
  private client: PupRestClient

  constructor(config: PluginConfiguration, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken)
    this.config = config.options as Configuration
    this.client = new PupRestClient(\`http://\${apiUrl}\`, apiToken, true)
    const threshold = parseInt(this.config.threshold, 10)
    this.sendLog("info", \`Memory example ready, threshold \${threshold}%.\`)
    this.client.on("application_state", (pupState: unknown) => {
      const state = pupState as ApiApplicationState
      const freePercent = Math.round(state.systemMemory.free / state.systemMemory.total * 100)
      if (freePercent > threshold) {
        this.sendLog("error", \`Memory figure \${freePercent}% is above \${threshold}%\`)
      } else {
        this.sendLog("info", \`Memory figure \${freePercent}% is fine\`)
      }
    })
  }

  public async refreshApiToken(apiToken: string): Promise<void> {
    this.client.refreshApiToken(apiToken)
  }

  public async sendLog(severity: string, message: string) {
    try {
      await this.client.sendLog(severity, "memory-example", message)
    } catch (_e) { /* Could not send log */ }
  }

  public async cleanup(): Promise<boolean> {
    await this.sendLog("info", "Memory example cleaned up")
    this.client.close()
    return await true
  }
}
`;

const config = (extra: Record<string, unknown> = {}) => JSON.stringify({
  processes: [{ id: 'idle', cmd: [process.execPath, '-e', 'setInterval(() => {}, 1000)'], autostart: true }],
  plugins: [{ url: './memory-example.ts', id: 'memory-example', options: { threshold: '101' } }],
  ...extra,
});

test('paddock run: a Pup plugin logs through the host, handles application_state, and cleans up on Ctrl-C', async (t) => {
  const folder = folderWith({ 'memory-example.ts': pupMemoryPlugin, 'pup.jsonc': `// a Pup-style config\n${config()}` });
  t.after(folder.remove);
  const run = runNode(cliPath, ['run', 'pup.jsonc'], folder.dir);
  t.after(() => run.kill());
  const fromPlugin = (text: string) => (line: Record<string, unknown>) => line.plugin === 'memory-example' && String(line.msg).includes(text);

  await run.waitForLine(fromPlugin('Memory example ready, threshold 101%.'), 'the log line sent from the constructor');
  const fine = await run.waitForLine(fromPlugin('is fine'), 'the application_state handler to log');
  assert.match(String(fine.msg), /^Memory figure \d+% is fine$/);
  assert.equal(fine.level, 'info');
  await run.waitForLine((l) => l.process === 'idle' && String(l.msg).startsWith('starting'), 'the process to start');

  run.child.kill('SIGINT');
  const { code } = await run.exited;
  assert.equal(code, 0, run.stderr());
  assert.equal(run.stderr(), '');
  const messages = run.lines.map((l) => (typeof l === 'string' ? l : `${l.plugin ?? l.process ?? ''}|${String(l.msg)}`));
  const cleanup = messages.indexOf('memory-example|Memory example cleaned up');
  assert.ok(cleanup > 0, 'cleanup() ran and its log line reached the host log');
  assert.ok(messages.indexOf('|terminating: received SIGINT') < cleanup);
  assert.ok(messages.some((m) => m.startsWith('idle|finished')), 'the process was stopped');
  assert.equal(messages.at(-1), '|stopped');
  for (const line of run.lines) assert.equal(typeof line, 'object', `every stdout line is one JSON object: ${String(line)}`);
});

test('paddock run: a bad config exits 3 with one line naming each problem', async (t) => {
  const folder = folderWith({
    'bad.json': JSON.stringify({
      processes: [{ id: 'web', cmd: 42 }, { id: 'web', cmd: 'true' }],
      plugins: [{ url: './x.js', optoins: {} }],
    }),
  });
  t.after(folder.remove);
  const run = runNode(cliPath, ['run', 'bad.json'], folder.dir);
  const { code } = await run.exited;
  assert.equal(code, 3);
  assert.equal(run.stdout(), '');
  assert.equal(run.stderr(),
    'paddock run: invalid config bad.json: plugins[0]: unknown key "optoins"; processes[0].cmd: expected a command line (a string) or [program, ...args] (an array of strings)\n');
});

test('paddock run: an unknown scope is a config error naming the file and the entry', async (t) => {
  const folder = folderWith({ 'scopes.json': JSON.stringify({ plugins: [{ url: './x.js', scopes: ['contol'] }] }) });
  t.after(folder.remove);
  const run = runNode(cliPath, ['run', 'scopes.json'], folder.dir);
  const { code } = await run.exited;
  assert.equal(code, 3);
  assert.equal(run.stderr(), 'paddock run: invalid config scopes.json: plugins[0].scopes[0]: unknown scope "contol" (this host knows: log, read, publish, lifecycle, control, terminate, ipc, plugins)\n');
});

test('paddock run: a plugin that fails verification is contained, and the run exits 1 with a one-line reason', async (t) => {
  const folder = folderWith({
    'memory-example.ts': pupMemoryPlugin,
    'no-meta.ts': pupMemoryPlugin.replace('version: "1.0.0",', 'version: "unset",'),
    'run.json': config({
      plugins: [
        { url: './memory-example.ts', id: 'memory-example', options: { threshold: '101' } },
        { url: './no-meta.ts', id: 'no-meta', options: { threshold: '101' } },
      ],
    }),
  });
  t.after(folder.remove);
  const run = runNode(cliPath, ['run', 'run.json', '--duration', '30'], folder.dir);
  t.after(() => run.kill());
  // The good plugin goes on working while the refused one is reported.
  await run.waitForLine((l) => l.plugin === 'memory-example' && String(l.msg).includes('is fine'), 'the good plugin to work');
  await run.waitForLine((l) => l.plugin === 'no-meta' && String(l.msg).includes('→ failed'), 'the refused plugin to be reported with its id');
  run.child.kill('SIGTERM');
  const { code } = await run.exited;
  assert.equal(code, 1);
  assert.equal(run.stderr(), 'paddock run: 1 plugin(s) did not start: plugins[1] (no-meta): plugin "no-meta" has invalid meta: meta.version is still "unset" (Pup\'s rule: set every field)\n');
});

test('paddock run: bad usage exits 2', async () => {
  const run = runNode(cliPath, ['run', 'a.json', '--duration', 'soon']);
  assert.equal((await run.exited).code, 2);
  assert.equal(run.stderr(), 'paddock run: --duration expects a number of seconds > 0, got "soon"\n');
});
