/**
 * Install the plugin module hooks in the current thread. In-thread synchronous hooks
 * (`module.registerHooks`, Node ≥ 22.15) cost nothing extra; on Node 20 the only way
 * is `module.register`, which starts a loader thread per worker (measured: about
 * 9 MB RSS and 45 ms per worker, see bench/).
 *
 * The hooks are installed at boot, before the plugin is known; `activate` later turns
 * on the plugin's module policy (module-policy.ts) in whichever thread runs the hooks.
 */
import * as nodeModule from 'node:module';
import { MessageChannel } from 'node:worker_threads';
import type { Policy } from '../../sdk/kernel/policy.js';
import type { DenialReport, SandboxData } from '../../sdk/kernel/sandbox-data.js';
import { createHooks, type LoaderConfig } from './hooks.js';
import { activateModulePolicy } from './module-policy.js';
import { usePackageImportsPort } from './package-imports.js';

type RegisterHooks = (hooks: ReturnType<typeof createHooks>) => unknown;

export interface InstalledLoader {
  mode: 'in-thread' | 'off-thread';
  /** Turn on the module policy; resolves once the hooks enforce it. */
  activate(policy: Policy, sandbox: SandboxData, report: (report: DenialReport) => void): Promise<void>;
}

/** Messages between a worker and its Node 20 loader thread. */
export type LoaderMessage =
  | { type: 'sandbox'; sandbox: SandboxData }
  | { type: 'active' }
  | { type: 'denied'; report: DenialReport };

export function installModuleHooks(config: LoaderConfig): InstalledLoader {
  const registerHooks = (nodeModule as unknown as { registerHooks?: RegisterHooks }).registerHooks;
  if (typeof registerHooks === 'function') {
    registerHooks(createHooks(config));
    return {
      mode: 'in-thread',
      async activate(policy) {
        activateModulePolicy(policy);
      },
    };
  }
  // Two ports to the loader thread: the plugin's sandbox (module policy) and its
  // npm:/jsr: imports, both known only once the worker is given a plugin.
  const channel = new MessageChannel();
  const packages = new MessageChannel();
  nodeModule.register(new URL('./off-thread-hooks.js', import.meta.url), {
    data: { ...config, port: channel.port2, packageImports: packages.port2 },
    transferList: [channel.port2, packages.port2],
  });
  usePackageImportsPort(packages.port1);
  const port = channel.port1;
  port.unref();
  return {
    mode: 'off-thread',
    activate(_policy, sandbox, report) {
      return new Promise((resolve) => {
        port.on('message', (message: LoaderMessage) => {
          if (message.type === 'active') {
            // Keep hearing denials, without keeping the thread alive for them.
            port.unref();
            resolve();
          } else if (message.type === 'denied') {
            report(message.report);
          }
        });
        port.postMessage({ type: 'sandbox', sandbox } satisfies LoaderMessage);
      });
    },
  };
}
