/**
 * Turn a booted runtime (a worker thread, or the main thread of a child process)
 * into one plugin: connect the API client, enter the sandbox, then expose the
 * control interface. The plugin's module is imported later, by control.start().
 *
 *   api     ── Comlink(HostEndpoint) ──▶ host      (the SDK's client; denials reported here)
 *   events  ◀── EventBatch ──────────── host      (EventStream)
 *   control ◀── Comlink(PluginControl) ─ host      (plugin-control.ts)
 */
import type { MessagePort } from 'node:worker_threads';
// Loaded at boot, not when the plugin imports `paddock-runtime/sdk`: a warm spare has it ready,
// and the plugin's import of it is a cache hit (the loader maps it to this very file).
import '../sdk/index.js';
import { expose, wrap } from 'comlink';
import { reportPluginError } from '../sdk/client.js';
import { EventStream } from '../sdk/internal/event-stream.js';
import { portEndpoint } from '../sdk/kernel/port-endpoint.js';
import { attachWorkerLink, type WorkerLink } from '../sdk/internal/worker-link.js';
import type { PermissionDescriptor } from '../sdk/permissions.js';
import type { LoaderConfig } from './loader/hooks.js';
import type { InstalledLoader } from './loader/install.js';
import { applyPackageImports } from './loader/package-imports.js';
import { createPluginControl } from './plugin-control.js';
import { boundedPorts } from './bounded-ports.js';
import type { PluginPorts } from './plugin-ports.js';
import type { HostEndpoint, PluginBoot } from '../sdk/kernel/protocol.js';
import type { DenialReport } from '../sdk/kernel/sandbox-data.js';
import { enterSandbox, sandboxFromBoot } from './sandbox.js';

export async function runPlugin(boot: PluginBoot, raw: PluginPorts, loader: InstalledLoader, loaderConfig: LoaderConfig, credit?: SharedArrayBuffer): Promise<void> {
  // Everything this thread sends goes through these: bounded copies, within the receiver's window.
  const ports = boundedPorts(raw, { plugin: boot.id, maxBytes: boot.maxSendBytes, credit });
  const host = wrap<HostEndpoint>(portEndpoint(ports.api as unknown as MessagePort));
  const link = {
    pluginId: boot.id,
    apiUrl: boot.apiUrl,
    token: boot.token,
    callTimeoutMs: boot.callTimeoutMs,
    host,
    tokenListeners: new Set<(token: string) => void>(),
  } as Omit<WorkerLink, 'events'> as WorkerLink;
  link.events = new EventStream(ports.events as unknown as MessagePort, host, () => link.token, (where, error) => reportPluginError(link, where, error));
  attachWorkerLink(link);

  // Denials go out as a hand-made Comlink request through a postMessage bound now:
  // the plugin may have broken its own Comlink (or Array iteration) when it is denied,
  // and the host should still hear about it. The reply is ignored (unknown id).
  const post = ports.api.postMessage.bind(ports.api);
  let reports = 0;
  const report = (denial: DenialReport) => {
    const request = {
      id: `paddock-denied-${++reports}`,
      type: 'APPLY',
      path: ['denied'],
      argumentList: [{ type: 'RAW', value: link.token }, { type: 'RAW', value: { permission: denial.permission, access: denial.access, resource: denial.resource } }],
    };
    post(request);
  };
  const sandbox = sandboxFromBoot(boot);
  const policy = await enterSandbox(sandbox, { loader, loaderConfig, report, fillEnv: true });
  link.permissions = Object.freeze({
    grant: sandbox.grant,
    codeDir: sandbox.codeDir,
    dataDir: sandbox.dataDir,
    query: (descriptor: PermissionDescriptor) => policy.query(descriptor),
  });
  // The loader must know the plugin's npm:/jsr: imports before start() imports it;
  // calls the host sends meanwhile wait in the port.
  await applyPackageImports(boot.packageImports, boot.importMap);
  expose(createPluginControl(boot, link), portEndpoint(ports.control as unknown as MessagePort));
}
