/**
 * Put the current thread (a plugin worker, a nested worker, or the main thread of a
 * process-isolated plugin) into the plugin's sandbox: the permission gates, then the
 * module policy of the loader hooks. Runs after the runtime's own modules are loaded
 * and before any plugin module is imported.
 */
import { installGates } from './gates/install.js';
import { nativeGatesReady } from './gates/native.js';
import { realPath } from '../sdk/kernel/paths.js';
import { isPermissionGrant, type Policy } from '../sdk/kernel/policy.js';
import type { InstalledLoader } from './loader/install.js';
import type { LoaderConfig } from './loader/hooks.js';
import type { PluginBoot } from '../sdk/kernel/protocol.js';
import type { DenialReport, Grant, SandboxData } from '../sdk/kernel/sandbox-data.js';

function realList(grant: Grant): Grant {
  return grant === true ? true : grant.map((path) => realPath(path, true));
}

/**
 * The sandbox of a plugin, from its boot record (paths made real here). The host built the
 * record from a parsed entry (sdk/kernel/protocol.ts); this checks only its shape, so a
 * record that lost its sandbox fails here and never runs plugin code unsandboxed.
 */
export function sandboxFromBoot(boot: Pick<PluginBoot, 'id' | 'dataDir' | 'sandbox'>): SandboxData {
  const sandbox = boot.sandbox;
  if (typeof sandbox !== 'object' || sandbox === null || !isPermissionGrant(sandbox.grant) || typeof sandbox.codeDir !== 'string'
    || !Array.isArray(sandbox.moduleDirs)) {
    throw new TypeError(`the boot record of plugin ${JSON.stringify(boot.id)} has no sandbox`);
  }
  const grant = sandbox.grant;
  return {
    plugin: boot.id,
    grant: { ...grant, read: realList(grant.read), write: realList(grant.write), ffi: realList(grant.ffi), import: realList(grant.import) },
    codeDir: realPath(sandbox.codeDir, true),
    dataDir: realPath(boot.dataDir, true),
    moduleDirs: sandbox.moduleDirs.map((dir) => realPath(dir, true)),
    hidden: (sandbox.hidden ?? []).map((path) => realPath(path, true)),
    env: sandbox.env,
    commands: sandbox.commands,
    nestedWorkers: sandbox.nestedWorkers,
    nestedLimits: sandbox.nestedLimits,
  };
}

export interface EnterOptions {
  loader: InstalledLoader;
  loaderConfig: LoaderConfig;
  report: (report: DenialReport) => void;
  /** Put the granted variables into process.env (not in a nested worker, which inherits them). */
  fillEnv: boolean;
}

export async function enterSandbox(sandbox: SandboxData, options: EnterOptions): Promise<Policy> {
  const { policy } = installGates(sandbox, { report: options.report, loader: options.loaderConfig, fillEnv: options.fillEnv });
  await nativeGatesReady();
  await options.loader.activate(policy, sandbox, options.report);
  return policy;
}
