/**
 * Status alerter (plain JavaScript): when a process fails (`process_status_changed` to
 * ERRORED), it raises an alert in the host log and starts the process again, at most
 * `options.maxRestarts` times per process. Starting a process needs the "control"
 * scope, granted in the plugin's config entry.
 */
import { PluginImplementation } from 'paddock-runtime/sdk';

const ERRORED = 400; // ApiProcessState.ERRORED

export class PupPlugin extends PluginImplementation {
  meta = {
    name: 'status-alerter',
    version: '1.0.0',
    api: '^1.0.0',
    repository: 'https://example.invalid/paddock/examples/plugins/status-alerter',
  };

  /** Restarts done per process id. */
  #restarts = new Map();

  constructor(config, apiUrl, apiToken) {
    super(config, apiUrl, apiToken);
    this.client.on('process_status_changed', (change) => this.#onChange(change));
  }

  async #onChange({ new: state, status }) {
    if (state !== ERRORED) return;
    const { maxRestarts = 3, only } = this.config.options;
    if (Array.isArray(only) && !only.includes(status.id)) return;
    const done = this.#restarts.get(status.id) ?? 0;
    const exit = status.signal ? `signal ${status.signal}` : `exit code ${status.code}`;
    if (done >= maxRestarts) {
      await this.client.log('error', `ALERT ${status.id} failed (${exit}); not restarting it again after ${done} restarts`);
      return;
    }
    this.#restarts.set(status.id, done + 1);
    await this.client.log('warn', `ALERT ${status.id} failed (${exit}); restarting it (${done + 1} of ${maxRestarts})`);
    const started = await this.client.call('startProcess', status.id);
    if (!started) await this.client.log('warn', `${status.id} did not start (blocked, or the host is shutting down)`);
  }
}
