// Calls one host-information route by name (workers/gates/sys-routes.ts lists them)
// and returns what it answered, or { missing: true } when this Node line lacks it.
import dns from 'node:dns';
import os from 'node:os';
import { PluginImplementation } from 'paddock-runtime/sdk';

const call = (target, key, ...args) => (typeof target[key] === 'function' ? target[key](...args) : { missing: true });

const ROUTES = {
  'os.hostname': () => call(os, 'hostname'),
  'os.release': () => call(os, 'release'),
  'os.version': () => call(os, 'version'),
  'os.uptime': () => call(os, 'uptime'),
  'os.loadavg': () => call(os, 'loadavg'),
  'os.networkInterfaces': () => call(os, 'networkInterfaces'),
  'os.totalmem': () => call(os, 'totalmem'),
  'os.freemem': () => call(os, 'freemem'),
  'os.cpus': () => call(os, 'cpus').length,
  'os.homedir': () => call(os, 'homedir'),
  'os.userInfo': () => call(os, 'userInfo').username,
  'os.getPriority': () => call(os, 'getPriority'),
  // Sets the priority it already has (the test passes it): nothing changes.
  'os.setPriority': (priority) => call(os, 'setPriority', priority) ?? 'set',
  'process.getuid': () => call(process, 'getuid'),
  'process.geteuid': () => call(process, 'geteuid'),
  'process.getgid': () => call(process, 'getgid'),
  'process.getegid': () => call(process, 'getegid'),
  'process.getgroups': () => call(process, 'getgroups'),
  'process.availableMemory': () => call(process, 'availableMemory'),
  'process.constrainedMemory': () => call(process, 'constrainedMemory'),
  'process.memoryUsage': () => call(process, 'memoryUsage').rss,
  'process.memoryUsage.rss': () => call(process.memoryUsage, 'rss'),
  'process.resourceUsage': () => call(process, 'resourceUsage').maxRSS,
  'process.cpuUsage': () => call(process, 'cpuUsage').user,
  'dns.getServers': () => call(dns, 'getServers'),
  'dns.promises.getServers': () => call(dns.promises, 'getServers'),
  'dns.Resolver.prototype.getServers': () => [new dns.Resolver().getServers(), new dns.promises.Resolver().getServers()],
  // Open to every plugin: the platform, and the plugin's own thread.
  'os.arch': () => os.arch(),
  'os.availableParallelism': () => call(os, 'availableParallelism'),
  'process.threadCpuUsage': () => call(process, 'threadCpuUsage'),
};

export class PupPlugin extends PluginImplementation {
  meta = { name: 'sys-route', version: '1.0.0', api: '*', repository: 'https://example.invalid/paddock-escape' };
  actions = {
    routes: () => Object.keys(ROUTES),
    call: ({ route, arg }) => {
      const value = ROUTES[route](arg);
      return value === undefined ? null : JSON.parse(JSON.stringify(value));
    },
  };
}
