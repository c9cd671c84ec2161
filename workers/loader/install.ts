/**
 * Install the plugin module hooks in the current worker. In-thread synchronous hooks
 * (`module.registerHooks`, Node ≥ 22.15) cost nothing extra; on Node 20 the only way
 * is `module.register`, which starts a loader thread per worker (measured: about
 * 9 MB RSS and 45 ms per worker, see bench/).
 */
import * as nodeModule from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import { createHooks, type LoaderConfig } from './hooks.js';
import { usePackageImportsPort } from './package-imports.js';

type RegisterHooks = (hooks: ReturnType<typeof createHooks>) => unknown;

export function installModuleHooks(config: LoaderConfig): 'in-thread' | 'off-thread' {
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks === 'function') {
    registerHooks(createHooks(config));
    return 'in-thread';
  }
  // The port lets the worker add a plugin's npm:/jsr: imports once it knows the plugin.
  const { port1, port2 } = new MessageChannel();
  nodeModule.register(new URL('./off-thread-hooks.js', import.meta.url), { data: { ...config, packageImports: port2 }, transferList: [port2] });
  usePackageImportsPort(port1);
  return 'off-thread';
}
