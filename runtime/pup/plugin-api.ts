/**
 * Host methods about the plugins themselves, for a dashboard plugin: `pluginMetrics`
 * (scope `read`: what runtime.metrics() and runtime.list() say) and `reloadPlugin` /
 * `stopPlugin` (scope `plugins`, which Pup has no equivalent of and which no
 * entry gets unless it lists it). A plugin may not stop or reload itself this way (it
 * would be waiting for its own answer while it is torn down; it can `leave`).
 */
import type { Registry } from 'prom-client';
import { defineMethod, prometheusRegistry, paddockError, z, type MethodContext, type PluginInfo, type PluginMetrics, type PluginRuntime } from '../index.js';

export interface PluginServices {
  metrics(): { at: number; plugins: PluginMetrics[] };
  list(): PluginInfo[];
  reload(id: string): Promise<unknown>;
  stop(id: string): Promise<void>;
  /** The same figures as Prometheus text (runtime/metrics/prometheus.ts). */
  prometheus(): Promise<string>;
}

/** What `pluginMetrics` answers: the figures plus what an operator reads next to them. */
export interface PluginView extends PluginMetrics {
  url: string;
  since: number;
  name?: string;
  version?: string;
  lastError?: { code?: string; message: string };
}

export function runtimePluginServices(runtime: () => PluginRuntime): PluginServices {
  let registry: Registry | undefined;
  return {
    prometheus: () => (registry ??= prometheusRegistry(runtime())).metrics(),
    metrics: () => runtime().metrics(),
    list: () => runtime().list(),
    reload: (id) => runtime().reload(id),
    stop: (id) => runtime().stop(id, 'stopped from a dashboard'),
  };
}

const pluginId = z.string().min(1).max(200).describe('a plugin id');

function notSelf(ctx: MethodContext, id: string, what: string): void {
  if (id === ctx.plugin.id) {
    throw paddockError('PADDOCK_ERR_INVALID_ARGUMENTS', { plugin: ctx.plugin.id, method: what, problems: 'a plugin cannot stop or reload itself (use leave)' });
  }
}

export function pluginApi(plugins: PluginServices) {
  return {
    pluginMetrics: defineMethod({
      scope: 'read',
      description: 'Per-plugin figures measured by the host (docs/reference/metrics.md) with url, version and last error',
      params: z.tuple([]),
      handler: (): { at: number; plugins: PluginView[] } => {
        const infos = new Map(plugins.list().map((info) => [info.id, info]));
        const { at, plugins: figures } = plugins.metrics();
        return {
          at,
          plugins: figures.map((m) => {
            const info = infos.get(m.id);
            const view: PluginView = { ...m, url: info?.url ?? '', since: info?.since ?? at };
            if (info?.meta?.name) view.name = info.meta.name;
            if (info?.meta?.version) view.version = info.meta.version;
            if (info?.lastError) view.lastError = info.lastError;
            return view;
          }),
        };
      },
    }),
    prometheusMetrics: defineMethod({
      scope: 'read',
      description: 'The per-plugin figures in the Prometheus text format (version 0.0.4), to serve at /metrics',
      params: z.tuple([]),
      handler: (): Promise<string> => plugins.prometheus(),
    }),
    reloadPlugin: defineMethod({
      scope: 'plugins',
      description: 'Stop a plugin (if it runs) and start it again from a fresh worker',
      params: z.tuple([pluginId]),
      handler: async (ctx, id): Promise<boolean> => {
        notSelf(ctx, id, 'reloadPlugin');
        ctx.logger.info(`reloading plugin ${JSON.stringify(id)} (requested by plugin ${JSON.stringify(ctx.plugin.id)})`);
        await plugins.reload(id);
        return true;
      },
    }),
    stopPlugin: defineMethod({
      scope: 'plugins',
      description: 'Stop a plugin; it stays listed, and reloadPlugin starts it again',
      params: z.tuple([pluginId]),
      handler: async (ctx, id): Promise<boolean> => {
        notSelf(ctx, id, 'stopPlugin');
        ctx.logger.info(`stopping plugin ${JSON.stringify(id)} (requested by plugin ${JSON.stringify(ctx.plugin.id)})`);
        await plugins.stop(id);
        return true;
      },
    }),
  };
}
