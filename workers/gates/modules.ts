/**
 * Gate for the CommonJS loader and the module API. Builtins follow builtins.ts
 * whatever the route (`require`, `module.createRequire`, a dependency's require, the
 * REPL's context); a relative or absolute `require` is checked against read before
 * Node looks at the disk (so a denied path says nothing about whether it exists),
 * and the loader's own reads go through the fs gate. Loader hooks registered by the
 * plugin would run outside the gates (on Node 20 in a thread of their own): they need
 * `ffi: true`, like every route that undoes the gates.
 */
import * as nodeModule from 'node:module';
import { checkBuiltin } from './builtins.js';
import { gateResolutionOracles } from './resolution-oracles.js';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { realPath } from '../../sdk/kernel/paths.js';
import { pathDirname, pathResolve, processCwd, ReflectApply, StringPrototypeStartsWith } from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;

const isBuiltin = nodeModule.isBuiltin;

function isPathRequest(request: string): boolean {
  return request === '.' || request === '..' || StringPrototypeStartsWith(request, '/')
    || StringPrototypeStartsWith(request, './') || StringPrototypeStartsWith(request, '../');
}

export function gateModules(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();
  const Module = nodeModule.Module as unknown as Record<string, unknown>;

  const load = Module._load as AnyFunction;
  patch.set(Module, '_load', function (this: unknown, ...args: unknown[]) {
    const request = args[0];
    if (typeof request === 'string' && (StringPrototypeStartsWith(request, 'node:') || isBuiltin(request))) checkBuiltin(policy, request);
    return ReflectApply(load, this, args);
  });

  const resolveFilename = Module._resolveFilename as AnyFunction;
  patch.set(Module, '_resolveFilename', function (this: unknown, ...args: unknown[]) {
    const request = args[0];
    if (typeof request === 'string' && isPathRequest(request) && !isBuiltin(request)) {
      const parent = args[1] as { filename?: unknown } | null | undefined;
      const base = parent && typeof parent.filename === 'string' ? pathDirname(parent.filename) : processCwd();
      const candidate = pathResolve(base, request);
      if (!policy.mayReadReal(realPath(candidate, true))) policy.deny('read', candidate);
    }
    return ReflectApply(resolveFilename, this, args);
  });

  for (const key of ['register', 'registerHooks']) {
    const original = Module[key];
    if (typeof original !== 'function') continue;
    patch.set(Module, key, function (this: unknown, ...args: unknown[]) {
      policy.requireAll('ffi', `module.${key} (loader hooks)`);
      return ReflectApply(original as AnyFunction, this, args);
    });
  }
  const enableCompileCache = Module.enableCompileCache;
  if (typeof enableCompileCache === 'function') {
    patch.set(Module, 'enableCompileCache', function (this: unknown, ...args: unknown[]) {
      const dir = typeof args[0] === 'object' && args[0] !== null ? (args[0] as { directory?: unknown }).directory : args[0];
      if (dir === undefined) policy.requireAll('write', 'module.enableCompileCache into the default folder');
      else args[0] = policy.path(dir, { write: true });
      return ReflectApply(enableCompileCache as AnyFunction, this, args);
    });
  }
  gateResolutionOracles(ctx, patch);
  return patch.teardown();
}
