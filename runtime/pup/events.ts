/**
 * The events the process host emits, with Pup's names and data. All need the `read`
 * scope, which every plugin has by default.
 */
import type { EventDefinition } from '../index.js';

export const PROCESS_HOST_EVENTS = {
  log: { scope: 'read', description: 'A line of the host log (host, processes and plugins), as ApiLogItem' },
  init: { scope: 'read', description: 'The host has loaded its plugins and is starting its processes' },
  watchdog: { scope: 'read', description: 'Every second, just before application_state' },
  process_status_changed: { scope: 'read', description: '{ old, new, status }: a process changed state (ApiProcessState)' },
  process_scheduled: { scope: 'read', description: '{ next, status }: the next cron start of the process (ISO date), announced at set-up and after each run' },
  process_scheduled_terminate: { scope: 'read', description: '{ next, status }: the next cron stop of the process (its `terminate` pattern)' },
  process_watch: { scope: 'read', description: '{ at, status }: a watched file of the process changed; it restarts' },
  process_telemetry: { scope: 'read', description: 'ApiTelemetryData a process (or plugin) sent to /telemetry' },
  terminating: { scope: 'read', description: 'The host is shutting down; the data is the grace period in ms' },
  ipc: { scope: 'read', description: 'ApiIpcData { sender, target, event, eventData } sent with sendIpc' },
  application_state: { scope: 'read', description: 'ApiApplicationState, every second' },
} as const satisfies Record<string, EventDefinition>;

export type ProcessHostEvent = keyof typeof PROCESS_HOST_EVENTS;
