/**
 * A raw external plugin (Stash's `interface: raw`) has no long-lived process: each of
 * its tasks is one run of the executable (external-task.ts). This transport lets the
 * controller treat it like any plugin — states, meta, listing, stop — while there is
 * nothing to talk to: no actions, no events, no host API (a raw process only gets
 * its input on stdin).
 */
import { pathToFileURL } from 'node:url';
import type { Remote } from '../../sdk/kernel/remote.js';
import { paddockError } from '../../sdk/errors.js';
import { fail, ok as okResult } from '../../sdk/kernel/results.js';
import type { PluginControl, Result } from '../../sdk/kernel/protocol.js';
import type { EventChannel, PluginTransport, TransportOptions } from '../transport/types.js';
import { externalTaskInfos, type ExternalEntry } from './external-entry.js';

const ok = <T>(value: T): Promise<Result<T>> => Promise.resolve(okResult(value));

/** Nothing is ever posted: a raw plugin subscribes to no event. */
const NO_EVENTS: EventChannel = {
  postMessage() {},
  on() {},
  off() {},
};

export class RawTransport implements PluginTransport {
  readonly kind = 'raw';
  readonly control: Remote<PluginControl>;
  readonly events = NO_EVENTS;
  #exited = false;

  constructor(options: TransportOptions, external: ExternalEntry) {
    const plugin = options.boot.id;
    const meta = {
      name: plugin,
      version: '0.0.0',
      // A raw plugin never calls the host API, so any host API version suits it.
      api: '*',
      repository: pathToFileURL(external.pluginDir).href,
      ...external.meta,
    };
    const refuse = (code: 'PADDOCK_ERR_UNKNOWN_ACTION' | 'PADDOCK_ERR_NOT_A_COLLECTOR', action?: string): Promise<Result<never>> =>
      Promise.resolve(fail(code === 'PADDOCK_ERR_UNKNOWN_ACTION'
        ? paddockError(code, { plugin, action: action!, known: 'no actions: a raw plugin has tasks (runtime.runTask)' })
        : paddockError(code, { plugin })));
    const control: PluginControl = {
      start: () => ok({
        meta,
        actions: [],
        tasks: externalTaskInfos(external.tasks),
        subscriptions: [],
        exportName: 'raw',
        // New options need no restart: each run reads them.
        hooks: { validate: false, configure: true },
      }),
      validate: () => ok(undefined),
      configure: () => ok(undefined),
      invoke: (action) => refuse('PADDOCK_ERR_UNKNOWN_ACTION', action),
      collect: () => refuse('PADDOCK_ERR_NOT_A_COLLECTOR'),
      refreshApiToken: () => ok(undefined),
      stop: () => ok({ cleanup: false }),
    };
    this.control = control as unknown as Remote<PluginControl>;
  }

  get exited(): boolean {
    return this.#exited;
  }

  watchLiveness(): () => void {
    return () => {};
  }

  async terminate(): Promise<void> {
    // The task runner stops the plugin's running processes when the plugin stops.
    this.#exited = true;
  }
}
