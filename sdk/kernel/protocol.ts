/**
 * The wire protocol between the host and a plugin worker.
 *
 *   host                                   worker (workers/bootstrap.ts)
 *   ────                                   ──────
 *   parentPort  ── InitMessage ─────────▶  installs gates, attaches the SDK
 *               ◀─ BootedMessage ───────   (sent once the bootstrap is ready)
 *   control     ── Comlink(PluginControl) ▶ start / validate / configure / invoke / collect / refreshApiToken / stop
 *   api         ◀─ Comlink(HostEndpoint) ─  call / subscribe / unsubscribe   (every message validated)
 *   events      ── EventBatch ──────────▶  dispatched to the plugin's listeners, in order
 *               ◀─ EventAck ────────────   (credit for the next batches)
 *   liveness    ── ping ────────────────▶  answered from the worker's event loop
 *               ◀─ external memory (MB) ─   (sdk/kernel/worker-liveness.ts)
 *
 * A process-isolated plugin (runtime/transport/process-transport.ts) speaks the same
 * protocol, with the three channels multiplexed over Node's IPC channel
 * (ProcessMessage) and the liveness pings answered as messages.
 *
 * Every reply is a `Result`: errors travel as data (see sdk/kernel/serialize-error.ts),
 * so nothing depends on Comlink's global transfer handlers.
 */
import type { MessagePort } from 'node:worker_threads';
import type { SerializedError } from './serialize-error.js';
import type { PackageImportMap } from './package-import-map.js';
import type { ImportMap } from './import-map.js';
import type { DenialReport, SandboxData } from './sandbox-data.js';

export const PROTOCOL_VERSION = 1;

export type Result<T> = { ok: true; value: T } | { ok: false; error: SerializedError };

/** Sent once on `parentPort` to turn a booted worker into a given plugin. */
/** Room for the protocol's own envelope around a call's arguments or an answer (ids, paths, the Result). */
export const SEND_ENVELOPE_BYTES = 65_536;

export interface InitMessage {
  type: 'paddock:init';
  protocol: number;
  control: MessagePort;
  api: MessagePort;
  events: MessagePort;
  /** The worker answers the host's liveness pings on this port. */
  liveness: MessagePort;
  /** The receiver's count of messages taken off the three channels (sdk/kernel/send-credit.ts). */
  credit: SharedArrayBuffer;
  plugin: PluginBoot;
}

export interface PluginBoot {
  id: string;
  /** The URL the config gave (file:, npm:, jsr:). */
  url: string;
  /** The file: URL of the module to import. */
  moduleUrl: string;
  options: unknown;
  apiUrl: string;
  token: string;
  /** Deadline for each plugin → host call, after which the client rejects it. */
  callTimeoutMs: number;
  /** Bytes one message from the plugin's thread may take, counted as it is copied out (caps.maxCallBytes + SEND_ENVELOPE_BYTES). */
  maxSendBytes: number;
  /** Private scratch directory of the plugin. */
  dataDir: string;
  /** The plugin's sandbox as the host worked it out; the worker makes its paths real (workers/sandbox.ts). */
  sandbox: BootSandbox;
  /** Where the npm:/jsr: imports of the plugin's source were installed (workers/loader/package-imports.ts). */
  packageImports?: PackageImportMap;
  /** The plugin folder's import map: bare specifiers → npm:/jsr: specifiers or files (sdk/kernel/import-map.ts). */
  importMap?: ImportMap;
}

/** The sandbox in a boot record: the gates' data, less what the record says already (id, dataDir). */
export type BootSandbox = Omit<SandboxData, 'plugin' | 'dataDir'>;

/** Worker → host on `parentPort`. */
export type WorkerMessage = { type: 'paddock:booted'; protocol: number };

export interface ActionInfo {
  name: string;
  description?: string;
  /** JSON Schema of the params, when the action declares a zod schema. */
  params?: unknown;
}

/** A task the plugin declares (run in its pool; see workers/task-worker.ts). */
export interface TaskInfo {
  name: string;
  description?: string;
  /** JSON Schema of the params, when the task declares a zod schema. */
  params?: unknown;
  /** The task's own deadline, when it sets one. */
  timeoutMs?: number;
}

/** A Heartbeat-style collector (sdk/collectors.ts). */
export interface CollectorInfo {
  kind: 'info' | 'monitor';
  /** The class's default period in seconds (monitors). */
  interval?: number;
}

export interface StartReport {
  meta: unknown;
  actions: ActionInfo[];
  tasks?: TaskInfo[];
  /** file: URL of the module whose `tasks` export the pool threads use. */
  tasksModule?: string;
  collector?: CollectorInfo;
  /** Events the plugin subscribed to while it was constructed. */
  subscriptions: string[];
  exportName: string;
  /** Which optional hooks the plugin implements. */
  hooks: { validate: boolean; configure: boolean };
  /** `pup`: the plugin extends the jsr:@pup/plugin shim, so Pup's meta rule applies (runtime/verify-meta.ts). */
  metaRule?: 'pup' | 'paddock';
}

/** What the worker exposes to the host over `control`. */
export interface PluginControl {
  start(): Promise<Result<StartReport>>;
  validate(): Promise<Result<void>>;
  configure(options: unknown): Promise<Result<void>>;
  invoke(action: string, params: unknown): Promise<Result<unknown>>;
  /** Run a collector's collect() (initialize() first, once). */
  collect(): Promise<Result<unknown>>;
  refreshApiToken(token: string): Promise<Result<void>>;
  stop(): Promise<Result<{ cleanup: boolean }>>;
}

/** What the host exposes to the plugin over `api`. */
export interface HostEndpoint {
  call(token: string, method: string, args: unknown[]): Promise<Result<unknown>>;
  subscribe(token: string, events: string[]): Promise<Result<void>>;
  unsubscribe(token: string, events: string[]): Promise<Result<void>>;
  /** The sandbox refused something; the host logs it (rate-limited). */
  denied(token: string, report: DenialReport): Promise<Result<void>>;
}

export const HOST_ENDPOINT_METHODS = ['call', 'subscribe', 'unsubscribe', 'denied'] as const;

/** Slots of the host-owned array a transport fills and the supervisor's monitors read. */
export const HEARTBEAT_SLOTS = { beat: 0, externalMb: 1 } as const;

/** The three channels of a plugin, as named on a multiplexed transport. */
export const CHANNELS = ['control', 'api', 'events'] as const;
export type ChannelName = (typeof CHANNELS)[number];

/** Host → child process, on the IPC channel. */
export type HostProcessMessage =
  | { t: 'init'; protocol: number; plugin: PluginBoot; heartbeatIntervalMs: number }
  /** Liveness probe: the child's main thread answers with a beat carrying `n`. */
  | { t: 'ping'; n: number }
  | { t: 'msg'; c: ChannelName; d: unknown };

/** Child process → host, on the IPC channel (validated: the child runs plugin code). */
export type ChildProcessMessage =
  | { t: 'booted'; protocol: number }
  | { t: 'beat'; n: number; m: number }
  | { t: 'msg'; c: ChannelName; d: unknown };

/** Host → worker on `events`: names and payloads interleaved, to keep one array per batch. */
export interface EventBatch {
  /** Sequence number, echoed by the ack. */
  s: number;
  /** [name0, data0, name1, data1, …] */
  e: unknown[];
  /** Events dropped for this plugin since the previous batch (queue overflow). */
  d: number;
}

/** Worker → host on `events`: the sequence number of a batch fully dispatched. */
export type EventAck = number;
