/**
 * The host methods plugins may call: Pup's plugin API, each method with a zod tuple
 * for its arguments and a scope. Besides these, every Paddock host offers `log`,
 * `logs`, `publish` and `leave`.
 *
 * | scope       | methods                                                              |
 * |-------------|----------------------------------------------------------------------|
 * | `read`      | getProcesses, getState (and the built-in logs); default for every plugin |
 * | `control`   | startProcess, stopProcess, restartProcess, blockProcess, unblockProcess |
 * | `terminate` | terminate                                                            |
 * | `ipc`       | ipc                                                                  |
 * | `control`   | telemetry (it sets what a process reports)                            |
 * | `read`      | pluginMetrics, prometheusMetrics (per-plugin figures, docs/reference/metrics.md) |
 * | `plugins` | reloadPlugin, stopPlugin (not in Pup; never given by default)    |
 *
 * In the Pup profile a plugin entry without `scopes` gets PUP_DEFAULT_SCOPES, the
 * access Pup gives every plugin; an entry's `scopes` narrow it (`[]`: read only).
 *
 * A process action answers true when it was carried out and false when it was not (a
 * blocked process does not start, a stopped one does not stop, nothing happens while
 * the host shuts down); an unknown process id is an error that lists the known ones.
 */
import { defineMethod, z, type ApiOf, type MethodContext } from '../index.js';
import type { ApiIpcData, ApiProcessData, ApiTelemetryData } from '../../sdk/kernel/pup-api-definitions.js';
import type { HostState } from './app-state.js';
import type { ProcessSupervisor } from './processes/supervisor.js';
import { pluginApi, type PluginServices } from './plugin-api.js';

export const PROCESS_HOST_API_VERSION = '1.0.0';

export const PROCESS_HOST_SCOPES = ['read', 'control', 'terminate', 'ipc', 'plugins'] as const;

/** What a Pup plugin may do in Pup: everything its API offers. */
export const PUP_DEFAULT_SCOPES = ['control', 'terminate', 'ipc'] as const;

export interface HostServices {
  processes: ProcessSupervisor;
  state(): HostState;
  /** Begin a graceful shutdown of the host. */
  terminate(reason: string): void;
  /** Deliver an ipc message (event `ipc`, and a line on the stdin of a target process). */
  ipc(data: ApiIpcData): boolean;
  /** Record a process's telemetry and emit `process_telemetry`; false when `sender` is no process. */
  telemetry(data: ApiTelemetryData): boolean;
  /** The plugins themselves, for a dashboard plugin (runtime/pup/plugin-api.ts). */
  plugins?: PluginServices;
}

const processId = z.string().min(1).max(64).describe('a process id, or "all"');

const ipcData = z.object({
  target: z.string().min(1).max(200),
  event: z.string().min(1).max(200),
  eventData: z.unknown().optional(),
  sender: z.string().max(200).optional(),
}).strict();

const telemetryData = z.object({
  sender: z.string().min(1).max(200).describe('the id of the process the telemetry is about'),
  memory: z.object({ heapTotal: z.number(), heapUsed: z.number(), rss: z.number(), external: z.number().optional() }).loose(),
  sent: z.string().max(100),
  cwd: z.string().max(4096),
}).loose();

const by = (ctx: MethodContext) => `requested by plugin ${JSON.stringify(ctx.plugin.id)}`;

export function processHostApi(host: HostServices) {
  return {
    getProcesses: defineMethod({
      scope: 'read',
      description: 'Every process with its status and configuration (ApiProcessData[])',
      params: z.tuple([]),
      handler: (): ApiProcessData[] => host.processes.data(),
    }),
    getState: defineMethod({
      scope: 'read',
      description: 'The host state: memory, CPU, uptime, versions, processes (ApiApplicationState)',
      params: z.tuple([]),
      handler: (): HostState => host.state(),
    }),
    startProcess: defineMethod({
      scope: 'control',
      description: 'Start a process (or "all")',
      params: z.tuple([processId]),
      handler: (ctx, id): boolean => host.processes.start(id, by(ctx)),
    }),
    stopProcess: defineMethod({
      scope: 'control',
      description: 'Stop a process (or "all"); resolves once it has exited',
      params: z.tuple([processId]),
      handler: (ctx, id): Promise<boolean> => host.processes.stop(id, by(ctx)),
    }),
    restartProcess: defineMethod({
      scope: 'control',
      description: 'Stop a process (or "all") if it runs, and start it again',
      params: z.tuple([processId]),
      handler: (ctx, id): boolean => host.processes.restart(id, by(ctx)),
    }),
    blockProcess: defineMethod({
      scope: 'control',
      description: 'Keep a process (or "all") from starting until it is unblocked',
      params: z.tuple([processId]),
      handler: (ctx, id): boolean => host.processes.block(id, by(ctx)),
    }),
    unblockProcess: defineMethod({
      scope: 'control',
      description: 'Let a blocked process (or "all") start again',
      params: z.tuple([processId]),
      handler: (ctx, id): boolean => host.processes.unblock(id, by(ctx)),
    }),
    terminate: defineMethod({
      scope: 'terminate',
      description: 'Shut the host down gracefully: processes stop, plugins clean up',
      params: z.tuple([]),
      handler: (ctx): boolean => {
        host.terminate(by(ctx));
        return true;
      },
    }),
    ipc: defineMethod({
      scope: 'ipc',
      description: 'Send { target, event, eventData } to other plugins (event ipc) and to the target process (stdin)',
      params: z.tuple([ipcData]),
      handler: (ctx, data): boolean => host.ipc({ target: data.target, event: data.event, eventData: data.eventData, sender: ctx.plugin.id }),
    }),
    telemetry: defineMethod({
      scope: 'control',
      description: "Telemetry of a process (Pup's /telemetry): shown in its status and emitted as process_telemetry",
      params: z.tuple([telemetryData]),
      handler: (_ctx, data): boolean => host.telemetry(data as ApiTelemetryData),
    }),
    ...(host.plugins ? pluginApi(host.plugins) : {}),
  };
}

/** What a plugin's typed client sees: `new PaddockClient<ProcessHostApi>()`. */
export type ProcessHostApi = ApiOf<ReturnType<typeof processHostApi>>;
