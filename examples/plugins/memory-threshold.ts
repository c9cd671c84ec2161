/**
 * The memory-threshold plugin of Pup's documentation, written against Paddock's SDK:
 * on each `application_state` (every second) it checks the share of system memory in
 * use and logs whether it is above `options.threshold` (percent). It logs when the
 * answer changes, not every second.
 */
import { PluginImplementation, type PluginConfiguration } from 'paddock-runtime/sdk';

interface Options {
  /** Percent of system memory in use above which memory is "high". */
  threshold: number;
}

interface ApplicationState {
  systemMemory: { total: number; free: number; available?: number };
}

function problemWith(options: Partial<Options>): string | undefined {
  const { threshold } = options;
  if (typeof threshold !== 'number' || !(threshold > 0 && threshold <= 100)) {
    return `options.threshold must be a percentage between 0 and 100, got ${JSON.stringify(threshold)}`;
  }
  return undefined;
}

export class PupPlugin extends PluginImplementation<Options> {
  override meta = {
    name: 'memory-threshold',
    version: '1.0.0',
    api: '^1.0.0',
    repository: 'https://example.invalid/paddock/examples/plugins/memory-threshold',
  };

  #threshold: number;
  #above: boolean | undefined;

  constructor(config: PluginConfiguration<Options>, apiUrl: string, apiToken: string) {
    super(config, apiUrl, apiToken);
    this.#threshold = config.options.threshold;
    this.client.on<ApplicationState>('application_state', (state) => this.#check(state));
  }

  override validate() {
    return problemWith(this.config.options) ?? true;
  }

  override configure(options: Options) {
    const problem = problemWith(options);
    if (problem) throw new RangeError(problem);
    this.#threshold = options.threshold;
    this.#above = undefined; // report again against the new threshold
  }

  async #check({ systemMemory }: ApplicationState) {
    const { total, free, available } = systemMemory;
    const used = Math.round(((total - (available ?? free)) / total) * 100);
    const above = used > this.#threshold;
    if (above === this.#above) return;
    this.#above = above;
    if (above) await this.client.log('warn', `memory use ${used}% is above the threshold of ${this.#threshold}%`);
    else await this.client.log('info', `memory use ${used}% is below the threshold of ${this.#threshold}%`);
  }
}
