/** Shared by the tests: paths to fixtures, a runtime with a captured log, waiting helpers. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createLogger, PluginRuntime, type RuntimeOptions } from '../runtime/index.js';
import { runtimeOptionsSchema } from '../runtime/options.js';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export function fixture(name: string): string {
  return join(repoRoot, 'test', 'fixtures', name);
}

export function fixtureUrl(name: string): string {
  return pathToFileURL(fixture(name)).href;
}

export function tempDir(prefix = 'paddock-test-'): string {
  return mkdtempSync(join(tmpdir(), prefix));
}

/** Log lines captured as parsed JSON objects. */
export class LogCapture {
  readonly lines: Array<Record<string, unknown>> = [];
  readonly stream = new Writable({
    write: (chunk: Buffer, _enc, done) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (line.trim()) this.lines.push(JSON.parse(line) as Record<string, unknown>);
      }
      done();
    },
  });

  messages(plugin?: string): string[] {
    return this.lines.filter((l) => plugin === undefined || l.plugin === plugin).map((l) => String(l.msg));
  }

  has(pattern: RegExp | string, plugin?: string): boolean {
    return this.messages(plugin).some((m) => (typeof pattern === 'string' ? m.includes(pattern) : pattern.test(m)));
  }
}

export interface TestRuntime {
  runtime: PluginRuntime;
  logs: LogCapture;
  dataDir: string;
  close(): Promise<void>;
}

/**
 * Where worker-tier plugins run in the tests' runtimes: the runtime's default (a
 * plugin-host process), or what PADDOCK_TEST_WORKER_HOST names: `in-process` runs a
 * test file with every worker plugin in the test's own process (option workerHost).
 */
export function testWorkerHost(): 'in-process' | 'plugin-host' {
  const value = process.env.PADDOCK_TEST_WORKER_HOST;
  if (value === undefined || value === '') return runtimeOptionsSchema.parse({}).workerHost;
  if (value !== 'in-process' && value !== 'plugin-host') throw new Error(`PADDOCK_TEST_WORKER_HOST must be in-process or plugin-host, not ${JSON.stringify(value)}`);
  return value;
}

/** A runtime logging into memory, with its data dir in a temp folder; close() cleans up. */
export function testRuntime(options: RuntimeOptions = {}): TestRuntime {
  const logs = new LogCapture();
  const dataDir = tempDir();
  const runtime = new PluginRuntime({
    logger: createLogger({ level: 'debug', destination: logs.stream }),
    baseDir: join(repoRoot, 'test', 'fixtures'),
    dataDir,
    workerHost: testWorkerHost(),
    ...options,
  });
  return {
    runtime,
    logs,
    dataDir,
    async close() {
      await runtime.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Wait until `predicate` holds, checking on each runtime event or every 10 ms, up to `ms`. */
export async function waitFor(predicate: () => boolean, ms = 10_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

/** Resolves with the first `plugin:state` change to `state` for `id`. */
export function nextState(runtime: PluginRuntime, id: string, state: string, ms = 20_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      runtime.off('plugin:state', listener);
      reject(new Error(`plugin ${id} did not reach ${state} within ${ms} ms`));
    }, ms);
    const listener = (change: { id: string; to: string }) => {
      if (change.id === id && change.to === state) {
        clearTimeout(timer);
        runtime.off('plugin:state', listener);
        resolve();
      }
    };
    runtime.on('plugin:state', listener);
  });
}
