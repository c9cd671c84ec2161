/**
 * Denials reported by plugins' sandboxes, into the host's log: one warning per denial
 * naming the plugin, the access and the resource, at most `perSecond` per plugin (a
 * plugin probing in a loop must not flood the log); the rest are counted and the
 * count is logged once the second is over.
 */
import type { Logger } from 'pino';
import type { DenialReport } from '../../sdk/kernel/sandbox-data.js';

interface Window {
  start: number;
  logged: number;
  suppressed: number;
}

export class DenialLog {
  readonly #logger: Logger;
  readonly #perSecond: number;
  readonly #windows = new Map<string, Window>();

  constructor(logger: Logger, perSecond = 20) {
    this.#logger = logger;
    this.#perSecond = perSecond;
  }

  record(plugin: string, report: DenialReport): void {
    const now = Date.now();
    let window = this.#windows.get(plugin);
    if (!window || now - window.start >= 1000) {
      if (window?.suppressed) {
        this.#logger.warn({ plugin, suppressed: window.suppressed }, `${window.suppressed} more permission denials were not logged`);
      }
      window = { start: now, logged: 0, suppressed: 0 };
      this.#windows.set(plugin, window);
    }
    if (window.logged >= this.#perSecond) {
      window.suppressed++;
      return;
    }
    window.logged++;
    this.#logger.warn(
      { plugin, permission: report.permission, resource: report.resource },
      `permission denied: plugin ${JSON.stringify(plugin)} needs ${report.access} to ${JSON.stringify(report.resource)} (permissions.${report.permission})`,
    );
  }

  forget(plugin: string): void {
    this.#windows.delete(plugin);
  }
}
