/**
 * No plugin process outlives its host, however the host ends (issue 12): an application
 * embedding the runtime is killed with SIGKILL, so none of its exit handlers run, while
 * it has an rpc plugin that ignores the end of its stdin, a process-tier plugin outside
 * the OS wall whose loop is blocked (it cannot see its IPC channel close), and a worker
 * plugin blocked in a system call in the plugin-host process (which would hold a normal
 * exit). The watchdogs (runtime/supervisor/host-watchdog.ts) take them all down.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { pathToFileURL } from 'node:url';
import { repoRoot, tempDir, waitFor } from '../helpers.js';

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

test('an application killed by SIGKILL takes every plugin process with it: a lingering rpc plugin, a blocked unwalled process plugin, a plugin-host process with a stuck thread', { skip: process.platform === 'win32' && 'POSIX watchdogs' }, async () => {
  const dir = tempDir();
  const dataDir = join(dir, 'data');
  mkdirSync(join(dataDir, 'stuck'), { recursive: true });
  assert.equal(spawnSync('mkfifo', [join(dataDir, 'stuck', 'pipe')]).status, 0, 'mkfifo');
  const script = join(dir, 'embed.mjs');
  const index = pathToFileURL(join(repoRoot, 'dist', 'runtime', 'index.js')).href;
  writeFileSync(script, `
    import { PluginRuntime } from ${JSON.stringify(index)};
    const runtime = new PluginRuntime({
      baseDir: ${JSON.stringify(join(repoRoot, 'test', 'fixtures'))},
      dataDir: ${JSON.stringify(dataDir)},
      logLevel: 'silent',
      // No OS wall: the process tier's own --die-with-parent is not what is tested here.
      bwrapPath: ${JSON.stringify(join(dir, 'no-bwrap'))},
      limits: { blockTimeoutMs: 600_000 },
    });
    await runtime.load({ id: 'lingerer', exec: ['python3', '{pluginDir}/rpc_faults.py'], interface: 'rpc', dir: './external' });
    await runtime.invoke('lingerer', 'linger');
    await runtime.load({ url: './probe.mjs', id: 'blocked', isolation: 'process' });
    await runtime.load({ url: './blocking-read.mjs', id: 'stuck' });
    const pids = {
      lingerer: await runtime.invoke('lingerer', 'pid'),
      blocked: runtime.metrics().plugins.find((p) => p.id === 'blocked').pid,
      pluginHost: runtime.pluginHostProcesses()[0].pid,
    };
    await runtime.invoke('blocked', 'block');
    await runtime.invoke('stuck', 'readFifo', 'pipe');
    setTimeout(() => console.log(JSON.stringify(pids)), 300);
    setInterval(() => {}, 1000);
  `);
  const host = spawn(process.execPath, [script], { stdio: ['ignore', 'pipe', 'pipe'] });
  let pids: Record<string, number> | undefined;
  let stderr = '';
  host.stderr.on('data', (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  try {
    pids = await new Promise<Record<string, number>>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`the host printed no pids within 60 s: ${stderr.slice(0, 500)}`)), 60_000);
      host.stdout.on('data', (chunk: Buffer) => {
        const line = chunk.toString().split('\n').find((l) => l.startsWith('{'));
        if (line) {
          clearTimeout(timer);
          resolve(JSON.parse(line) as Record<string, number>);
        }
      });
      host.once('exit', (code) => reject(new Error(`the host exited early (${code}): ${stderr.slice(0, 500)}`)));
    });
    for (const [name, pid] of Object.entries(pids)) assert.ok(typeof pid === 'number' && alive(pid), `${name} runs (${pid})`);
    host.kill('SIGKILL');
    await waitFor(() => Object.values(pids!).every((pid) => !alive(pid)), 10_000, `every plugin process gone after the host's SIGKILL (${JSON.stringify(pids)})`);
  } finally {
    if (host.exitCode === null && host.signalCode === null) host.kill('SIGKILL');
    // Whatever a failure left behind: only the processes this test caused, by their ids.
    for (const pid of Object.values(pids ?? {})) if (alive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  }
});
