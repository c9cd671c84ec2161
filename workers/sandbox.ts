/**
 * Put the current thread (a plugin worker, a nested worker, or the main thread of a
 * process-isolated plugin) into the plugin's sandbox: the permission gates, then the
 * module policy of the loader hooks. Runs after the runtime's own modules are loaded
 * and before any plugin module is imported.
 */
import { fileURLToPath } from 'node:url';
import { dirname } from 'node:path';
import { installGates } from './gates/install.js';
import { nativeGatesReady } from './gates/native.js';
import { realPath } from '../sdk/kernel/paths.js';
import { isPermissionGrant, type Policy } from '../sdk/kernel/policy.js';
import type { InstalledLoader } from './loader/install.js';
import type { LoaderConfig } from './loader/hooks.js';
import type { PluginBoot } from '../sdk/kernel/protocol.js';
import { NO_PERMISSIONS, type DenialReport, type Grant, type PermissionGrant, type SandboxData, type SandboxExtras } from '../sdk/kernel/sandbox-data.js';

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function realList(grant: Grant): Grant {
  return grant === true ? true : grant.map((path) => realPath(path, true));
}

/** The sandbox of a plugin, from what the host put in its boot record (paths made real here). */
export function sandboxFromBoot(boot: PluginBoot): SandboxData {
  const extensions = boot.extensions ?? {};
  const given = extensions.permissions;
  const grant: PermissionGrant = isPermissionGrant(given) ? given : NO_PERMISSIONS;
  const extras = (typeof extensions.sandbox === 'object' && extensions.sandbox !== null ? extensions.sandbox : {}) as Partial<SandboxExtras>;
  const codeDir = typeof extensions.codeDir === 'string' ? extensions.codeDir : dirname(fileURLToPath(boot.moduleUrl));
  return {
    plugin: boot.id,
    grant: { ...grant, read: realList(grant.read), write: realList(grant.write), ffi: realList(grant.ffi), import: realList(grant.import) },
    codeDir: realPath(codeDir, true),
    dataDir: realPath(boot.dataDir, true),
    moduleDirs: [...strings(extras.moduleDirs), ...strings(extensions.moduleDirs)].map((dir) => realPath(dir, true)),
    env: typeof extras.env === 'object' && extras.env !== null ? extras.env : {},
    commands: typeof extras.commands === 'object' && extras.commands !== null ? extras.commands : {},
    nestedLimits: typeof extras.nestedLimits === 'object' && extras.nestedLimits !== null ? extras.nestedLimits : {},
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
