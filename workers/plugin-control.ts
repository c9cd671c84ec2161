/**
 * The worker side of a plugin's lifecycle: import the module, find and construct the
 * plugin class, and answer the host's control calls. Every answer is a `Result`; an
 * error thrown by plugin code is wrapped as PADDOCK_ERR_PLUGIN_THREW (origin "plugin")
 * with the original as `cause`, so the host can tell it from a runtime error.
 */
import { paddockError, type PaddockError } from '../sdk/errors.js';
import { fail, ok, pluginThrew } from '../sdk/kernel/results.js';
import type { WorkerLink } from '../sdk/internal/worker-link.js';
import type { Action, ActionDefinition } from '../sdk/plugin.js';
import { describeSchema } from './describe-schema.js';
import { runDefinition } from './run-definition.js';
import { describeImportError } from './import-error.js';
import { SEND_ENVELOPE_BYTES, type ActionInfo, type CollectorInfo, type PluginBoot, type PluginControl, type Result, type StartReport } from '../sdk/kernel/protocol.js';
import { describeTasks, loadTaskTable, type TaskTable } from './task-definitions.js';
// The very module `jsr:@pup/plugin` resolves to (same file URL), so instanceof tells a Pup plugin.
import { PluginImplementation } from './shims/pup/plugin.js';

const EXPORT_NAMES = ['PupPlugin', 'Plugin', 'default'] as const;

interface PluginInstance {
  meta?: unknown;
  actions?: Record<string, Action>;
  validate?: () => unknown;
  configure?: (options: unknown) => unknown;
  refreshApiToken?: (token: string) => unknown;
  cleanup?: () => unknown;
  collector?: unknown;
  interval?: unknown;
  initialize?: () => unknown;
  collect?: () => unknown;
}

type PluginClass = new (config: unknown, apiUrl: string, apiToken: string) => PluginInstance;

function isClass(value: unknown): value is PluginClass {
  return typeof value === 'function' && typeof (value as { prototype?: unknown }).prototype === 'object';
}

function describeExports(mod: Record<string, unknown>): string {
  const names = Object.keys(mod);
  return names.length ? `exports ${names.map((n) => `${n} (${typeof mod[n]})`).join(', ')}` : 'no exports';
}

function pickMeta(instance: PluginInstance, cls: PluginClass): unknown {
  const meta = instance.meta ?? (cls as unknown as { meta?: unknown }).meta;
  if (typeof meta !== 'object' || meta === null) return meta === undefined ? undefined : String(meta);
  const { name, version, api, repository } = meta as Record<string, unknown>;
  const plain = (v: unknown) => (v === undefined || typeof v === 'string' ? v : `<${typeof v}>`);
  return { name: plain(name), version: plain(version), api: plain(api), repository: plain(repository) };
}

function asDefinition(action: Action): ActionDefinition {
  return typeof action === 'function' ? { run: action } : action;
}

function describeActions(actions: Record<string, Action> | undefined): ActionInfo[] {
  if (!actions || typeof actions !== 'object') return [];
  const out: ActionInfo[] = [];
  for (const [name, action] of Object.entries(actions)) {
    const definition = asDefinition(action);
    if (typeof definition?.run !== 'function') continue;
    const info: ActionInfo = { name };
    if (typeof definition.description === 'string') info.description = definition.description;
    const params = describeSchema(definition.params);
    if (params !== undefined) info.params = params;
    out.push(info);
  }
  return out;
}

/** A Heartbeat-style collector: `collector` set to info/monitor and a collect() method. */
function describeCollector(instance: PluginInstance): CollectorInfo | undefined {
  if (typeof instance.collect !== 'function') return undefined;
  const kind = instance.collector;
  if (kind !== 'info' && kind !== 'monitor') return undefined;
  const interval = instance.interval;
  return typeof interval === 'number' && Number.isFinite(interval) && interval > 0 ? { kind, interval } : { kind };
}

/** Keep `this.config.options` current for plugins that read it instead of implementing configure(). */
function keepOptions(target: PluginInstance, options: unknown): void {
  const config = (target as { config?: unknown }).config;
  if (typeof config !== 'object' || config === null || Object.isFrozen(config)) return;
  // Only the configuration the constructor received: Pup plugins often keep their own
  // `config` field holding just the options, which must not grow an `options` key.
  if (!Object.hasOwn(config, 'url') || !Object.hasOwn(config, 'options')) return;
  (config as { options?: unknown }).options = options;
}

export function createPluginControl(boot: PluginBoot, link: WorkerLink): PluginControl {
  let instance: PluginInstance | undefined;
  // initialize() runs once, before the first collect(); a failed one is tried again next time.
  let initialized: Promise<unknown> | undefined;
  const plugin = boot.id;
  // A result may take caps.maxCallBytes; the rest of the bound is the envelope around it.
  const resultBytes = boot.maxSendBytes - SEND_ENVELOPE_BYTES;

  const threw = (where: string, error: unknown): PaddockError => pluginThrew(plugin, where, error);

  async function runHook(where: string, fn: () => unknown): Promise<Result<unknown>> {
    try {
      return ok(await fn());
    } catch (error) {
      return fail(threw(where, error));
    }
  }

  const notStarted = () => fail(paddockError('PADDOCK_ERR_PLUGIN_NOT_RUNNING', { plugin, state: 'not started' }));

  return {
    async start(): Promise<Result<StartReport>> {
      let mod: Record<string, unknown>;
      try {
        mod = await import(boot.moduleUrl) as Record<string, unknown>;
      } catch (error) {
        const reason = describeImportError(error, boot.moduleUrl);
        return fail(paddockError('PADDOCK_ERR_PLUGIN_IMPORT', { plugin, url: boot.url, reason }, { cause: error, origin: 'plugin' }));
      }
      const exportName = EXPORT_NAMES.find((name) => isClass(mod[name]));
      if (!exportName) {
        return fail(paddockError('PADDOCK_ERR_NO_PLUGIN_CLASS', { plugin, url: boot.url, found: describeExports(mod) }));
      }
      const cls = mod[exportName] as PluginClass;
      let tasks: TaskTable | undefined;
      try {
        tasks = await loadTaskTable(mod, boot.moduleUrl);
      } catch (error) {
        const reason = `its tasks module: ${describeImportError(error, boot.moduleUrl)}`;
        return fail(paddockError('PADDOCK_ERR_PLUGIN_IMPORT', { plugin, url: boot.url, reason }, { cause: error, origin: 'plugin' }));
      }
      try {
        instance = new cls({ url: boot.url, options: boot.options, id: boot.id, dataDir: boot.dataDir }, boot.apiUrl, boot.token);
      } catch (error) {
        const reason = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
        return fail(paddockError('PADDOCK_ERR_PLUGIN_CONSTRUCTOR', { plugin, reason }, { cause: error, origin: 'plugin' }));
      }
      const report: StartReport = {
        meta: pickMeta(instance, cls),
        actions: describeActions(instance.actions),
        subscriptions: link.events.subscribedEvents(),
        exportName,
        hooks: { validate: typeof instance.validate === 'function', configure: typeof instance.configure === 'function' },
        metaRule: instance instanceof PluginImplementation ? 'pup' : 'paddock',
      };
      if (tasks && tasks.tasks.size > 0) {
        report.tasks = describeTasks(tasks);
        report.tasksModule = tasks.moduleUrl;
      }
      const collector = describeCollector(instance);
      if (collector) report.collector = collector;
      link.events.markReported();
      return ok(report);
    },

    async validate(): Promise<Result<void>> {
      const target = instance;
      if (!target) return notStarted();
      if (typeof target.validate !== 'function') return ok(undefined);
      let verdict: unknown;
      try {
        verdict = await target.validate();
      } catch (error) {
        return fail(paddockError('PADDOCK_ERR_VALIDATE_FAILED', {
          plugin, reason: error instanceof Error ? error.message : String(error),
        }, { cause: error, origin: 'plugin' }));
      }
      if (verdict === false || typeof verdict === 'string') {
        return fail(paddockError('PADDOCK_ERR_VALIDATE_FAILED', {
          plugin, reason: typeof verdict === 'string' ? verdict : 'validate() returned false',
        }, { origin: 'plugin' }));
      }
      return ok(undefined);
    },

    async configure(options: unknown): Promise<Result<void>> {
      const target = instance;
      if (!target) return notStarted();
      keepOptions(target, options);
      if (typeof target.configure !== 'function') return ok(undefined);
      const result = await runHook('configure()', () => target.configure!(options));
      return result.ok ? ok(undefined) : result;
    },

    async invoke(name: string, params: unknown): Promise<Result<unknown>> {
      const target = instance;
      if (!target) return notStarted();
      const actions = target.actions ?? {};
      const action = Object.hasOwn(actions, name) ? asDefinition(actions[name]!) : undefined;
      if (!action || typeof action.run !== 'function') {
        const known = Object.keys(actions).join(', ') || 'no actions';
        return fail(paddockError('PADDOCK_ERR_UNKNOWN_ACTION', { plugin, action: name, known }));
      }
      const what = `action ${JSON.stringify(name)}`;
      const run = action.run;
      return runDefinition({
        plugin,
        what,
        schema: action.params,
        params,
        invalidParams: (problems) => paddockError('PADDOCK_ERR_INVALID_PARAMS', { plugin, action: name, problems }),
        run: (input) => run.call(target, input),
        threw: (error) => threw(what, error),
        maxBytes: resultBytes,
      });
    },

    async collect(): Promise<Result<unknown>> {
      const target = instance;
      if (!target) return notStarted();
      if (!describeCollector(target)) return fail(paddockError('PADDOCK_ERR_NOT_A_COLLECTOR', { plugin }));
      if (typeof target.initialize === 'function') {
        initialized ??= Promise.resolve().then(() => target.initialize!());
        try {
          await initialized;
        } catch (error) {
          initialized = undefined;
          return fail(threw('initialize()', error));
        }
      }
      return runDefinition({ plugin, what: 'collect()', run: () => target.collect!(), threw: (error) => threw('collect()', error), maxBytes: resultBytes });
    },

    async refreshApiToken(token: string): Promise<Result<void>> {
      link.token = token;
      for (const listener of link.tokenListeners) listener(token);
      const target = instance;
      if (!target || typeof target.refreshApiToken !== 'function') return ok(undefined);
      const result = await runHook('refreshApiToken()', () => target.refreshApiToken!(token));
      return result.ok ? ok(undefined) : result;
    },

    async stop(): Promise<Result<{ cleanup: boolean }>> {
      const target = instance;
      if (!target || typeof target.cleanup !== 'function') return ok({ cleanup: false });
      const result = await runHook('cleanup()', () => target.cleanup!());
      return result.ok ? ok({ cleanup: result.value === true }) : result;
    },
  };
}
