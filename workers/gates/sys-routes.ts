/**
 * Every route to host information a plugin has, and the `sys` kind (Deno's names) each
 * needs. The table is the documentation too (docs/reference/permissions.md, "What sys covers").
 *
 * - os: the machine (name, kernel, uptime, load, interfaces, memory, CPUs, the user);
 * - process: figures that are the whole process's, so the host's and every other
 *   plugin's (resident memory, CPU time, resource usage), and the machine's or
 *   container's memory (availableMemory, constrainedMemory);
 * - dns: the host's resolver configuration (the name servers it uses).
 *
 * Not host information, so not gated: os.arch, platform, type, endianness, machine,
 * tmpdir, availableParallelism (what any program may know about the platform it runs
 * on), v8 heap statistics and process.threadCpuUsage (the plugin's own thread), timers
 * (process.hrtime, performance.now; see the threat model on timing).
 */
export const SYS_ROUTES: Readonly<Record<string, string>> = {
  'os.hostname': 'hostname',
  'os.release': 'osRelease',
  'os.version': 'osRelease',
  'os.uptime': 'osUptime',
  'os.loadavg': 'loadavg',
  'os.networkInterfaces': 'networkInterfaces',
  'os.totalmem': 'systemMemoryInfo',
  'os.freemem': 'systemMemoryInfo',
  'os.cpus': 'cpus',
  'os.homedir': 'homedir',
  'os.userInfo': 'userInfo',
  'os.getPriority': 'getPriority',
  'os.setPriority': 'setPriority',
  'process.getuid': 'uid',
  'process.geteuid': 'uid',
  'process.getgid': 'gid',
  'process.getegid': 'gid',
  'process.getgroups': 'gid',
  'process.availableMemory': 'systemMemoryInfo',
  'process.constrainedMemory': 'systemMemoryInfo',
  'process.memoryUsage': 'resourceUsage',
  'process.memoryUsage.rss': 'resourceUsage',
  'process.resourceUsage': 'resourceUsage',
  'process.cpuUsage': 'resourceUsage',
  'dns.getServers': 'networkInterfaces',
  'dns.promises.getServers': 'networkInterfaces',
  // Both Resolver classes (callback and promise) share the one method.
  'dns.Resolver.prototype.getServers': 'networkInterfaces',
};

/** Functions of `os` that answer about the platform, not the host: open to every plugin. */
export const OS_OPEN: readonly string[] = ['arch', 'platform', 'type', 'endianness', 'machine', 'tmpdir', 'availableParallelism'];
