/**
 * The seam between a plugin's supervision (supervisor/plugin-controller.ts) and the
 * thing that runs it. A worker thread is one transport (worker-transport.ts); others
 * (an external executable: runtime/external/) implement the same interface, so tokens,
 * scopes, events and restarts work the same whatever runs the plugin.
 */
import type { Remote } from '../../sdk/kernel/remote.js';
import type { EventBatch, HostEndpoint, PluginBoot, PluginControl } from '../../sdk/kernel/protocol.js';
import type { LogSeverity } from '../../sdk/types.js';
import type { ResolvedLimits } from '../options.js';

/** Where an Outbox posts event batches and hears acks (a MessagePort fits). */
export interface EventChannel {
  postMessage(batch: EventBatch): void;
  on(event: 'message', listener: (ack: unknown) => void): unknown;
  off(event: 'message', listener: (ack: unknown) => void): unknown;
}

export interface ExitInfo {
  code: number;
  /** Error the plugin died of (uncaught exception, out of memory), if any. */
  error?: Error;
  /** How it ended, in words, when the exit code alone does not say it (e.g. "was killed by SIGKILL"). */
  reason?: string;
}

export interface TransportOptions {
  boot: PluginBoot;
  limits: ResolvedLimits;
  /** What the plugin may call; the transport exposes it with every request validated. */
  endpoint: HostEndpoint;
  heartbeatIntervalMs: number;
  /** The longest output line kept (caps.maxOutputLineBytes); the rest of a longer one is dropped as it arrives. */
  maxLineBytes?: number;
  /** Bytes one plugin → host message may take (caps.maxCallBytes); where the transport can bound messages before the host holds them, it does. */
  maxCallBytes?: number;
  /** A line the plugin printed; `severity` when the transport knows it (an external plugin's level prefixes). */
  onOutput: (stream: 'stdout' | 'stderr', line: string, severity?: LogSeverity) => void;
  onProtocolViolation: (problem: string) => void;
  onExit: (info: ExitInfo) => void;
}

export interface PluginTransport {
  readonly kind: string;
  /** host → plugin control calls (replies validated by the transport). */
  readonly control: Remote<PluginControl>;
  readonly events: EventChannel;
  readonly exited: boolean;
  /**
   * Call `onBlocked(ms)` once if the plugin's event loop stops making progress for
   * `blockTimeoutMs`. Returns a function that stops watching.
   */
  watchLiveness(blockTimeoutMs: number, onBlocked: (blockedMs: number) => void): () => void;
  /**
   * Call `onExceeded(usedMb)` once if the plugin holds more than `limitMb` of memory
   * outside the V8 heap (ArrayBuffers, Buffers). Returns a function that stops watching.
   */
  watchMemory?(limitMb: number, onExceeded: (usedMb: number) => void): () => void;
  /** Stop the plugin now; resolves once it is gone. */
  terminate(): Promise<void>;
  /**
   * Give up on a plugin that did not go away after terminate() (a thread blocked in a
   * system call): close its channels and stop holding anything of it. Optional: a
   * process is always killed outright.
   */
  abandon?(): void;
}

export type TransportFactory = (options: TransportOptions) => PluginTransport;
