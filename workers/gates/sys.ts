/**
 * Gate for host information (sys), with Deno's kinds: each route in sys-routes.ts
 * needs its kind, and a denial names the route (`os.hostname`, `process.memoryUsage`)
 * and the kind that grants it. A function a future Node adds to `os` needs `sys: true`
 * until it is classified here; the reachability audit (test/escape/) notices it.
 */
import dns from 'node:dns';
import os from 'node:os';
import { Patcher, type GateContext, type Teardown } from './context.js';
import { OS_OPEN, SYS_ROUTES } from './sys-routes.js';
import { ObjectGetOwnPropertyNames, ObjectGetPrototypeOf, ObjectHasOwn, ReflectApply } from '../../sdk/kernel/primordials.js';

type AnyFunction = (...args: unknown[]) => unknown;

/** The object on `start`'s prototype chain that owns `key` (or `start`). */
function holderOf(start: object, key: string): object {
  for (let o: object | null = start; o !== null; o = ObjectGetPrototypeOf(o) as object | null) {
    if (ObjectHasOwn(o, key)) return o;
  }
  return start;
}

export function gateSys(ctx: GateContext): Teardown {
  const { policy } = ctx;
  const patch = new Patcher();

  const check = (route: string) => {
    if (ObjectHasOwn(SYS_ROUTES, route)) policy.sys(SYS_ROUTES[route]!, route);
    else policy.requireAll('sys', route);
  };
  const gated = (route: string, original: AnyFunction): AnyFunction => function (this: unknown, ...args: unknown[]) {
    check(route);
    return ReflectApply(original, this, args);
  };
  /** Gate `target[key]` as `route` (if it is a function on this Node line). */
  const gate = (target: object, key: string, route: string) => {
    const original = (target as Record<string, unknown>)[key];
    if (typeof original === 'function') patch.set(target, key, gated(route, original as AnyFunction));
  };

  for (const key of ObjectGetOwnPropertyNames(os)) {
    if (typeof (os as unknown as Record<string, unknown>)[key] === 'function' && !OS_OPEN.includes(key)) gate(os, key, `os.${key}`);
  }
  for (const key of ['getuid', 'geteuid', 'getgid', 'getegid', 'getgroups', 'availableMemory', 'constrainedMemory', 'resourceUsage', 'cpuUsage']) {
    gate(process, key, `process.${key}`);
  }
  // memoryUsage carries rss as a property of its own: the wrapper must too.
  const memoryUsage = process.memoryUsage as unknown as AnyFunction & { rss?: AnyFunction };
  if (typeof memoryUsage === 'function') {
    const wrapper = gated('process.memoryUsage', memoryUsage) as AnyFunction & { rss?: AnyFunction };
    if (typeof memoryUsage.rss === 'function') wrapper.rss = gated('process.memoryUsage.rss', memoryUsage.rss);
    patch.set(process, 'memoryUsage', wrapper);
  }
  gate(dns, 'getServers', 'dns.getServers');
  gate(dns.promises, 'getServers', 'dns.promises.getServers');
  // On the prototype that holds it (a base class both Resolvers share), not a shadow of it.
  const resolverBase = holderOf(dns.Resolver.prototype, 'getServers');
  gate(resolverBase, 'getServers', 'dns.Resolver.prototype.getServers');
  const promisesBase = holderOf(dns.promises.Resolver.prototype, 'getServers');
  if (promisesBase !== resolverBase) gate(promisesBase, 'getServers', 'dns.Resolver.prototype.getServers');
  return patch.teardown();
}
