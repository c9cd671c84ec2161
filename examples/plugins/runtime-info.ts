/**
 * Runtime info: a Heartbeat-style InfoPlugin. The host collects it once after the
 * plugin starts and keeps the result; `runtime.refreshInfo()` collects it again.
 */
import { arch, availableParallelism, platform } from 'node:os';
import { InfoPlugin } from 'paddock-runtime/sdk';

export class PupPlugin extends InfoPlugin {
  override meta = { name: 'runtime-info', version: '1.0.0', api: '^1.0.0', repository: 'https://example.invalid/paddock/examples/plugins/runtime-info' };
  #collections = 0;

  override collect() {
    this.#collections++;
    return {
      node: process.versions.node,
      v8: process.versions.v8,
      platform: platform(),
      arch: arch(),
      cpus: availableParallelism(),
      collectedTimes: this.#collections,
    };
  }
}
