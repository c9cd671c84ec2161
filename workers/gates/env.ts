/**
 * Gate for the environment (env). The worker starts with an empty `process.env`;
 * here it receives the values of the granted variables (computed by the host), so
 * `process.env` holds nothing else and an ungranted variable reads as unset. The
 * host's `worker_threads` environment data is the host's too: it needs `env: true`.
 */
import workerThreads from 'node:worker_threads';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { ObjectKeys, ReflectApply } from '../../sdk/kernel/primordials.js';

export function fillEnvironment(values: Record<string, string>): void {
  const names = ObjectKeys(values);
  for (let i = 0; i < names.length; i++) process.env[names[i]!] = values[names[i]!];
}

export function gateEnv(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const getEnvironmentData = workerThreads.getEnvironmentData as (key: unknown) => unknown;
  patch.set(workerThreads, 'getEnvironmentData', function (this: unknown, ...args: unknown[]) {
    policy.requireAll('env', 'worker_threads.getEnvironmentData (the host\'s environment data)');
    return ReflectApply(getEnvironmentData, this, args);
  });
  return patch.teardown();
}
