/**
 * Install every gate in this thread, once, before plugin code runs. Each gate module
 * patches the builtin module objects in place (so `import`, `require`,
 * `process.getBuiltinModule` and Node's own internals all see the gated functions)
 * and returns its teardown; `syncBuiltinESMExports` then updates the live bindings of
 * `import { readFileSync } from 'node:fs'`.
 */
import { syncBuiltinESMExports } from 'node:module';
import type { LoaderConfig } from '../loader/hooks.js';
import type { DenialReport, SandboxData } from '../../sdk/kernel/sandbox-data.js';
import { gateChildProcess } from './child-process.js';
import { createGateContext, type Teardown } from './context.js';
import { gateDiagnostics } from './diagnostics.js';
import { fillEnvironment, gateEnv } from './env.js';
import { gateFs } from './fs.js';
import { gateMemory } from './memory.js';
import { gateModules } from './modules.js';
import { gateNative } from './native.js';
import { gateNet } from './net.js';
import { Policy } from '../../sdk/kernel/policy.js';
import { gateProcess } from './process.js';
import { gateSys } from './sys.js';
import { gateWorkers } from './workers.js';

import { markGatesInstalled } from './installed.js';

/** Whether this thread's gates are in place (the nested-worker entry refuses to run again then). */
export { gatesInstalled } from './installed.js';

export interface InstalledGates {
  policy: Policy;
  teardown: Teardown;
}

export interface InstallOptions {
  report: (report: DenialReport) => void;
  loader: LoaderConfig;
  /** Set the granted variables in process.env (a nested worker inherits its parent's instead). */
  fillEnv: boolean;
}

export function installGates(data: SandboxData, options: InstallOptions): InstalledGates {
  markGatesInstalled();
  const policy = new Policy(data, options.report);
  if (options.fillEnv) fillEnvironment(data.env);
  const ctx = createGateContext(policy, data, options.loader, options.report);
  // The native layer first: tty.js, loaded by gateNet, then reads the gated TTY class.
  const teardowns = [
    gateNative(ctx), gateFs(ctx), gateChildProcess(ctx), gateNet(ctx), gateEnv(ctx), gateSys(ctx),
    gateProcess(ctx), gateWorkers(ctx), gateDiagnostics(ctx), gateModules(ctx), gateMemory(ctx),
  ];
  syncBuiltinESMExports();
  return {
    policy,
    teardown: () => {
      for (let i = teardowns.length - 1; i >= 0; i--) teardowns[i]!();
      syncBuiltinESMExports();
    },
  };
}
