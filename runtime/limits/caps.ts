/**
 * Byte and count caps on what a plugin sends the host (issue 12: no plugin can flood its
 * host). Every stream of bytes from a plugin is bounded, the plugin is named and the host
 * told: output lines, log calls, published events, subscriptions, call arguments and results.
 */
import { z } from 'zod';

export const capsSchema = z.object({
  /** A line of the plugin's stdout/stderr; longer lines are cut, and the splitter never holds more. */
  maxOutputLineBytes: z.number().int().min(256).default(8_192),
  /** Log lines (log calls and output lines) per plugin per second; the rest are dropped and counted. */
  logLinesPerSecond: z.number().int().min(1).default(1_000),
  /** Log bytes per plugin per second; the rest are dropped and counted. */
  logBytesPerSecond: z.number().int().min(1_024).default(1_048_576),
  /** One event a plugin publishes, measured as structured data. */
  maxEventBytes: z.number().int().min(1_024).default(1_048_576),
  /**
   * Events waiting for one plugin (queued on the host or sent and not yet handled), in
   * bytes; past it the oldest are dropped and counted, whether or not the plugin runs.
   */
  maxQueuedEventBytes: z.number().int().min(1_024).default(8_388_608),
  /** Events one plugin may subscribe to. */
  maxSubscriptions: z.number().int().min(1).default(1_000),
  /** The arguments of a plugin's call to the host, and the result of an action. */
  maxCallBytes: z.number().int().min(1_024).default(16_777_216),
}).strict().refine((caps) => caps.maxQueuedEventBytes >= caps.maxEventBytes, {
  message: 'maxQueuedEventBytes must be at least maxEventBytes (a queue must hold the largest event)',
  path: ['maxQueuedEventBytes'],
});

export type Caps = z.output<typeof capsSchema>;
