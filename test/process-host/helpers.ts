/**
 * Shared by the process-host and CLI tests: a ProcessHost in this process (real plugin
 * workers, real child processes) logging into memory, and the `paddock` CLI as a real
 * child process whose JSON log lines can be waited for.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { ProcessHost } from '../../runtime/pup/host.js';
import { createHostLogger } from '../../runtime/pup/logger.js';
import { processHostConfigSchema, type ProcessHostConfig } from '../../runtime/pup/config.js';
import type { RuntimeOptions } from '../../runtime/index.js';
import { LogCapture, repoRoot, tempDir } from '../helpers.js';

export const cliPath = join(repoRoot, 'dist', 'runtime', 'cli', 'main.js');

/** A folder with files in it (plugins, configs, scripts); removed by the returned function. */
export function folderWith(files: Record<string, string>): { dir: string; remove: () => void } {
  const dir = tempDir('paddock-host-');
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return { dir, remove: () => rmSync(dir, { recursive: true, force: true }) };
}

/** A node command line for a process: `node -e <script>`, with this very node binary. */
export function nodeCmd(script: string): string[] {
  return [process.execPath, '-e', script];
}

export interface TestHost {
  host: ProcessHost;
  logs: LogCapture;
  /** Messages logged by a plugin (its log() / sendLog() lines). */
  pluginLines(id: string): string[];
  close(): Promise<void>;
}

/** A started ProcessHost over `config` (paths relative to `dir`), logging JSON lines into memory. */
export async function startHost(dir: string, config: unknown, runtime: ProcessHostOptionsRuntime = {}): Promise<TestHost> {
  const logs = new LogCapture();
  const parsed: ProcessHostConfig = processHostConfigSchema.parse(config);
  const host = new ProcessHost(parsed, dir, {
    logger: createHostLogger({ level: 'debug', destination: logs.stream }),
    runtime: { dataDir: join(dir, '.data'), ...runtime },
  });
  await host.start();
  return {
    host,
    logs,
    pluginLines: (id) => logs.lines.filter((l) => l.plugin === id && l.category === undefined).map((l) => String(l.msg)),
    close: () => host.stop('test over'),
  };
}

type ProcessHostOptionsRuntime = Omit<RuntimeOptions, 'api' | 'events' | 'logger' | 'logLevel' | 'prettyLogs' | 'apiVersion' | 'baseDir'>;

/** Wait until `find` returns something, checking whenever the log grows; rejects after `ms`. */
export async function waitUntil<T>(find: () => T | undefined | false, what: string, ms = 15_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const found = find();
    if (found !== undefined && found !== false) return found;
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

export interface CliRun {
  child: ChildProcess;
  /** stdout lines, parsed as JSON when they are. */
  lines: Array<Record<string, unknown> | string>;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** The first stdout line matching, once it appears. */
  waitForLine(match: (line: Record<string, unknown>) => boolean, what: string, ms?: number): Promise<Record<string, unknown>>;
  kill(): void;
}

/** Run the `paddock` CLI (or another node script) as a real child process. */
export function runNode(script: string, args: string[], cwd = repoRoot): CliRun {
  const child = spawn(process.execPath, [script, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  let partial = '';
  const lines: CliRun['lines'] = [];
  child.stdout!.on('data', (chunk: Buffer) => {
    out += chunk.toString();
    const parts = (partial + chunk.toString()).split('\n');
    partial = parts.pop()!;
    for (const line of parts) {
      if (!line.trim()) continue;
      try {
        lines.push(JSON.parse(line) as Record<string, unknown>);
      } catch {
        // A line that is not JSON (the pretty format, a usage text): kept as text.
        lines.push(line);
      }
    }
  });
  child.stderr!.on('data', (chunk: Buffer) => {
    err += chunk.toString();
  });
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
  return {
    child,
    lines,
    stdout: () => out,
    stderr: () => err,
    exited,
    waitForLine: (match, what, ms = 20_000) => waitUntil(() => lines.find((l) => typeof l === 'object' && match(l)) as Record<string, unknown> | undefined, what, ms),
    kill: () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

/** A TCP port free on loopback right now. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}
