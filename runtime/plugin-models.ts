/**
 * The plugin models beyond "a long-lived plugin with actions and events", wired to
 * the runtime: stateless tasks (tasks/), Heartbeat-style collectors (collectors/),
 * and the host API for the processes of external rpc tasks (external/). They follow
 * each plugin's state: collectors collect while it runs, its tasks end when it stops.
 */
import type { Logger } from 'pino';
import { paddockError } from '../sdk/errors.js';
import type { LogSeverity } from '../sdk/types.js';
import type { AnyMethod, EventDefinition } from './api/define.js';
import { createHostEndpoint } from './api/host-endpoint.js';
import { CollectorScheduler, type CollectedResult } from './collectors/collector-scheduler.js';
import type { PluginController, StateChange } from './supervisor/plugin-controller.js';
import { TaskRunner, type TaskRunnerDeps } from './tasks/task-runner.js';
import type { TokenAuthority } from './tokens.js';

export interface PluginModelsDeps {
  logger: Logger;
  tokens: TokenAuthority;
  methods: ReadonlyMap<string, AnyMethod>;
  events: ReadonlyMap<string, EventDefinition>;
  controller(id: string): PluginController | undefined;
  /** A line of a plugin's output into the host log. */
  output(id: string, severity: LogSeverity, line: string, stream: 'stdout' | 'stderr'): void;
  /** A collector's result, as the runtime event `plugin:info` / `plugin:monitor`. */
  collected(result: CollectedResult): void;
  /** Where a plugin's task threads run when not in this process (tasks/task-runner.ts). */
  taskHost?: TaskRunnerDeps['taskHost'];
}

export class PluginModels {
  readonly tasks: TaskRunner;
  readonly collectors: CollectorScheduler;
  readonly #deps: PluginModelsDeps;

  constructor(deps: PluginModelsDeps) {
    this.#deps = deps;
    const logger = (id: string) => deps.logger.child({ plugin: id });
    this.tasks = new TaskRunner({
      logger,
      onOutput: (id, stream, line, severity) => deps.output(id, severity ?? (stream === 'stdout' ? 'info' : 'warn'), line, stream),
      hostLink: (controller, lifeMs) => this.#hostLink(controller, lifeMs),
      ...(deps.taskHost ? { taskHost: deps.taskHost } : {}),
    });
    this.collectors = new CollectorScheduler({
      collect: (id, timeoutMs) => {
        const controller = deps.controller(id);
        if (!controller) return Promise.reject(paddockError('PADDOCK_ERR_UNKNOWN_PLUGIN', { plugin: id }));
        return controller.collect(timeoutMs);
      },
      emit: (result) => deps.collected(result),
      logger,
    });
  }

  /** A plugin changed state. */
  follow(change: StateChange): void {
    if (change.to === 'running') {
      const controller = this.#deps.controller(change.id);
      const collector = controller?.info().collector;
      if (controller && collector) {
        this.collectors.start(change.id, collector, controller.entry.collector, controller.entry.limits);
      }
      return;
    }
    this.collectors.stop(change.id);
    if (change.to === 'stopping' || change.to === 'failed' || change.to === 'unresponsive') {
      this.tasks.close(change.id, change.reason ?? change.to).catch((error: unknown) =>
        this.#deps.logger.error({ err: error, plugin: change.id }, 'failed to stop the plugin\'s tasks'));
    }
  }

  async close(): Promise<void> {
    this.collectors.close();
    await this.tasks.closeAll('runtime closing');
  }

  /** An endpoint and a short-lived token for one run of an rpc task: the same checks as the plugin's own calls. */
  #hostLink(controller: PluginController, lifeMs: number) {
    const { tokens } = this.#deps;
    const id = controller.id;
    const { token } = tokens.issue(id, controller.entry.scopes, lifeMs);
    const refuse = () => {
      throw paddockError('PADDOCK_ERR_INVALID_ARGUMENTS', { plugin: id, method: 'subscribe', problems: 'a task\'s process cannot subscribe to events' });
    };
    const endpoint = createHostEndpoint({
      pluginId: id,
      tokens,
      methods: this.#deps.methods,
      events: this.#deps.events,
      context: (scopes) => ({ plugin: { id, name: controller.info().meta?.name }, logger: this.#deps.logger.child({ plugin: id }), scopes }),
      subscribe: refuse,
      unsubscribe: refuse,
    });
    return { endpoint, token, release: () => tokens.revoke(token) };
  }
}
