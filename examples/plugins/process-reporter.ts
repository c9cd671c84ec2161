/**
 * Process reporter: actions the host can invoke, and options that change at run time
 * through configure() (no restart). `summary` describes the processes in one line,
 * `recentLogs` returns the last lines a process printed.
 */
import { PluginImplementation, defineAction, z, type PluginConfiguration } from 'paddock-runtime/sdk';

interface Options {
  /** Prefix of each summary. */
  label: string;
  /** List processes that are not running too (default false). */
  includeStopped?: boolean;
}

interface ProcessData {
  status: { id: string; status: number; pid?: number; restarts?: number };
}

const STATE_NAMES: Record<number, string> = {
  0: 'created', 100: 'starting', 200: 'running', 250: 'stopping', 300: 'finished', 400: 'errored', 450: 'exhausted', 500: 'mixed',
};

export class PupPlugin extends PluginImplementation<Options> {
  override meta = {
    name: 'process-reporter',
    version: '1.0.0',
    api: '^1.0.0',
    repository: 'https://example.invalid/paddock/examples/plugins/process-reporter',
  };

  #label = '';
  #includeStopped = false;

  constructor(config: PluginConfiguration<Options>, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken);
  }

  override configure(options: Options) {
    this.#label = typeof options.label === 'string' ? options.label : 'processes';
    this.#includeStopped = options.includeStopped === true;
  }

  override actions = {
    summary: defineAction({
      description: 'The processes in one line: which run, which do not',
      run: async () => {
        const processes = await this.client.call<ProcessData[]>('getProcesses');
        const running = processes.filter((p) => p.status.status === 200);
        const listed = this.#includeStopped ? processes : running;
        const parts = listed.map(({ status }) => `${status.id} ${STATE_NAMES[status.status] ?? status.status}${status.pid ? ` (pid ${status.pid})` : ''}`);
        const hidden = processes.length - listed.length;
        const text = `[${this.#label}] ${running.length} of ${processes.length} running: ${parts.join(', ') || 'none'}${hidden ? ` (+${hidden} not running)` : ''}`;
        return { text, running: running.map((p) => p.status.id) };
      },
    }),
    recentLogs: defineAction({
      description: 'The last lines a process printed',
      params: z.object({ processId: z.string().min(1), nRows: z.number().int().min(1).max(100).default(5) }),
      run: async ({ processId, nRows }) => (await this.client.logs({ processId, nRows })).map((item) => item.text),
    }),
  };
}
