/**
 * The task process of a process-isolated plugin (`isolation: "process"`): its task
 * threads run in a process of their own, started like the plugin's process (Node's
 * permission model with the plugin's grants and limits, inside the OS wall where there
 * is one; process-transport.ts) on the entry of the plugin-host process, which hosts the
 * plugin's TaskPool (workers/plugin-host-tasks.ts) and nothing else. A task that aborts
 * V8 ends this process: not the application, and not the plugin's own process.
 *
 * Why not inside the plugin's own process: its main thread runs the plugin's code under
 * the gates, and the Worker gate (workers/gates/workers.ts) turns every `new Worker` there
 * (piscina's too, which reads `worker_threads.Worker` when it starts a thread) into a
 * nested worker of the plugin, bounded by limits.maxNestedWorkers. Here no plugin code
 * runs on the main thread; each task thread installs the plugin's gates itself, as in
 * every other mode.
 */
import type { Logger } from 'pino';
import type { TaskBoot } from '../../sdk/kernel/task-protocol.js';
import { taskProcessDirs } from '../permissions/sandbox-extras.js';
import type { OsWall } from './os-wall.js';
import { PLUGIN_HOST_ENTRY, PluginHostProcess } from './plugin-host.js';
import { processLaunch } from './process-transport.js';
import type { TransportOptions } from './types.js';

let started = 0;

/** Start the task process of process-isolated plugin `boot.id`; its members hear its death. */
export function startTaskProcess(boot: TaskBoot, limits: TransportOptions['limits'], wall: OsWall, logger: Logger): PluginHostProcess {
  const launch = processLaunch(boot, limits, wall, PLUGIN_HOST_ENTRY, taskProcessDirs());
  return new PluginHostProcess(`tasks of ${boot.id} #${++started}`, logger.child({ component: 'task-process', plugin: boot.id }), (_host, members, how) => {
    for (const member of members) member.hostDied(`ended with its task process, which ${how}`);
  }, { ...launch, role: 'task process', afterDeath: 'its tasks in flight fail; the next task starts a new one' });
}
