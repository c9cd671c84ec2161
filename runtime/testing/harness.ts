/**
 * `paddock-runtime/sdk/testing`: run your plugin in a real worker against a host API and events
 * your test defines, in a few lines.
 *
 *   const plugin = await startPlugin({ plugin: new URL('../../src/plugin.ts', import.meta.url), options: { threshold: 80 } });
 *   await plugin.emit('application_state', { systemMemory: { free: 1, total: 10 } });
 *   assert.ok(plugin.logged.some((l) => l.message.includes('above')));
 *   await plugin.close();
 *
 * This module runs on the host side (it starts a PluginRuntime); import it from tests,
 * never from plugin code.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { EventDefinition, HostApiDefinition } from '../api/define.js';
import type { Limits } from '../config/schema.js';
import type { Isolation, PermissionsInput } from '../permissions/schema.js';
import { createLogger } from '../logging/logger.js';
import type { RuntimeOptions } from '../options.js';
import { PluginRuntime } from '../plugin-runtime.js';
import type { PluginInfo } from '../supervisor/plugin-controller.js';
import type { TaskRunOptions } from '../tasks/task-types.js';
import type { LogSeverity } from '../../sdk/types.js';

export interface HarnessOptions {
  /** The plugin: a file path, a file: URL (string or URL), or an npm:/jsr: specifier. */
  plugin: string | URL;
  options?: Record<string, unknown>;
  /** Host methods the plugin may call (besides log, logs, publish, leave). */
  api?: HostApiDefinition;
  /** Host events that need a scope. */
  events?: Record<string, EventDefinition>;
  /** Scopes granted to the plugin (besides the defaults). */
  scopes?: string[];
  /** Host API version the plugin's meta.api must accept (default 1.0.0). */
  apiVersion?: string;
  limits?: Limits;
  /** What the plugin may do (default: nothing beyond its own folders, like in production). */
  permissions?: PermissionsInput;
  /** Run it in a worker thread (default) or a child process. */
  isolation?: Isolation;
  /** Id of the plugin (default: from its file name). */
  id?: string;
  /** Any other runtime option. */
  runtime?: Omit<RuntimeOptions, 'api' | 'events' | 'apiVersion' | 'logger'>;
}

export interface LoggedLine {
  severity: LogSeverity;
  message: string;
}

export interface PublishedEvent {
  event: string;
  data: unknown;
}

export class PluginHarness {
  readonly runtime: PluginRuntime;
  #id = '';
  /** Lines the plugin logged (its `log()` calls, console output as info/warn). */
  readonly logged: LoggedLine[] = [];
  /** Events the plugin published. */
  readonly published: PublishedEvent[] = [];
  readonly #dataDir: string;
  #waiters = new Set<() => void>();

  /** @internal use startPlugin() */
  constructor(runtime: PluginRuntime, dataDir: string) {
    this.runtime = runtime;
    this.#dataDir = dataDir;
    // The harness runtime hosts this one plugin, so every plugin line is its line
    // (including those logged while it starts, before its id is known here).
    runtime.on('plugin:log', (entry) => {
      this.logged.push({ severity: entry.severity, message: entry.message });
      this.#wake();
    });
  }

  get id(): string {
    return this.#id;
  }

  /** @internal */
  set id(id: string) {
    this.#id = id;
  }

  get info(): PluginInfo {
    return this.runtime.get(this.id)!;
  }

  /** Record what the plugin publishes under `event`. */
  watch(event: string): this {
    this.runtime.on(event, (data, source) => {
      if (source.plugin === undefined) return;
      this.published.push({ event, data });
      this.#wake();
    });
    return this;
  }

  invoke(action: string, params?: unknown): Promise<unknown> {
    return this.runtime.invoke(this.id, action, params);
  }

  /** Run one of the plugin's tasks in its pool (progress, cancel and deadline as in runtime.runTask). */
  runTask(task: string, params?: unknown, options?: TaskRunOptions): Promise<unknown> {
    return this.runtime.runTask(this.id, task, params, options);
  }

  /** Emit a host event and wait until the plugin has handled it. */
  async emit(event: string, data?: unknown): Promise<void> {
    this.runtime.emit(event, data);
    await this.runtime.drain(this.id);
  }

  reconfigure(options: Record<string, unknown>): Promise<void> {
    return this.runtime.reconfigure(this.id, options);
  }

  /** Resolves when the plugin has logged a line matching `pattern`. */
  waitForLog(pattern: string | RegExp, ms = 5_000): Promise<LoggedLine> {
    const test = (line: LoggedLine) => (typeof pattern === 'string' ? line.message.includes(pattern) : pattern.test(line.message));
    return this.#waitFor(() => this.logged.find(test), ms, `a log line matching ${String(pattern)}`);
  }

  /** Resolves when the plugin has published `event` (call watch(event) first). */
  waitForPublished(event: string, ms = 5_000): Promise<PublishedEvent> {
    return this.#waitFor(() => this.published.find((p) => p.event === event), ms, `the plugin to publish ${JSON.stringify(event)}`);
  }

  async close(): Promise<void> {
    await this.runtime.close();
    rmSync(this.#dataDir, { recursive: true, force: true });
  }

  async [Symbol.asyncDispose](): Promise<void> {
    await this.close();
  }

  #wake(): void {
    for (const wake of [...this.#waiters]) wake();
  }

  #waitFor<T>(find: () => T | undefined, ms: number, what: string): Promise<T> {
    const found = find();
    if (found !== undefined) return Promise.resolve(found);
    return new Promise((resolve, reject) => {
      const check = () => {
        const value = find();
        if (value === undefined) return;
        clearTimeout(timer);
        this.#waiters.delete(check);
        resolve(value);
      };
      const timer = setTimeout(() => {
        this.#waiters.delete(check);
        reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      }, ms);
      this.#waiters.add(check);
    });
  }
}

function toUrl(plugin: string | URL): { url: string; baseDir: string } {
  if (plugin instanceof URL) return { url: plugin.href, baseDir: dirname(fileURLToPath(plugin)) };
  if (/^(npm|jsr):/.test(plugin)) return { url: plugin, baseDir: process.cwd() };
  const url = plugin.startsWith('file:') ? plugin : pathToFileURL(plugin).href;
  return { url, baseDir: dirname(fileURLToPath(url)) };
}

/** Start a plugin in a real worker; reject with the runtime's error if it is refused. */
export async function startPlugin(options: HarnessOptions): Promise<PluginHarness> {
  const { url, baseDir } = toUrl(options.plugin);
  const dataDir = mkdtempSync(join(tmpdir(), 'paddock-harness-'));
  const runtime = new PluginRuntime({
    ...options.runtime,
    apiVersion: options.apiVersion ?? '1.0.0',
    api: options.api ?? {},
    events: options.events ?? {},
    logger: createLogger({ level: 'silent' }),
    baseDir,
    dataDir,
  });
  const entry = {
    url,
    ...(options.id ? { id: options.id } : {}),
    ...(options.options ? { options: options.options } : {}),
    ...(options.scopes ? { scopes: options.scopes } : {}),
    ...(options.limits ? { limits: options.limits } : {}),
    ...(options.permissions ? { permissions: options.permissions } : {}),
    ...(options.isolation ? { isolation: options.isolation } : {}),
  };
  const harness = new PluginHarness(runtime, dataDir);
  let info: PluginInfo;
  try {
    info = await runtime.load(entry);
  } catch (error) {
    await runtime.close();
    rmSync(dataDir, { recursive: true, force: true });
    throw error;
  }
  harness.id = info.id;
  return harness;
}
