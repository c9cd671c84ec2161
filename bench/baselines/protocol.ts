/** Messages between the runner and its bare baseline workers (bench/baselines/*.ts). */

/** The small payload every round-trip variant sends and gets back. */
export const ECHO_PAYLOAD = Object.freeze({ id: 42, name: 'ticker', tags: ['web', 'prod'] as string[] });

export type EchoPayload = typeof ECHO_PAYLOAD;

/** Runner → round-trip worker: make `n` sequential round trips. */
export interface RunRequest {
  type: 'run';
  n: number;
  payload: EchoPayload;
}

/** Round-trip worker → runner: the duration of each round trip, in ms. */
export interface RunReply {
  type: 'samples';
  samples: Float64Array;
}

/** Runner → event sink worker: report `reached` once `n` events have arrived since the last take. */
export interface ExpectRequest {
  type: 'expect';
  n: number;
}

/** Runner → event sink worker: hand over (and forget) what arrived so far. */
export interface TakeRequest {
  type: 'take';
}

export interface TakeReply {
  type: 'taken';
  count: number;
  /** Delivery latency of each event that carried a send time, in ms. */
  latencies: Float64Array;
}

/** What every event of the event scenarios carries; `t` (send time, ms since epoch) only when latency is measured. */
export interface BenchEvent {
  seq: number;
  t?: number;
}
