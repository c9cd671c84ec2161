/**
 * Baseline event consumer in a bare worker: the same work per event as the Paddock
 * listener plugin (count it; record the latency when it carries a send time), fed by
 * raw postMessage (one message per event) or by a WebSocket on loopback (one JSON
 * text frame per event, as Pup streams its events).
 */
import { parentPort, workerData, type MessagePort } from 'node:worker_threads';
import { WebSocket } from 'ws';
import type { BenchEvent, ExpectRequest, TakeReply, TakeRequest } from './protocol.js';

const now = () => performance.timeOrigin + performance.now();
const data = workerData as { port?: MessagePort; wsUrl?: string };
const control = parentPort!;

let count = 0;
let latencies: number[] = [];
let expected = Infinity;

function onEvent(_name: string, event: BenchEvent): void {
  count++;
  if (event.t !== undefined) latencies.push(now() - event.t);
  if (count >= expected) {
    expected = Infinity;
    control.postMessage({ type: 'reached' });
  }
}

control.on('message', (message: ExpectRequest | TakeRequest) => {
  if (message.type === 'expect') {
    // Absolute (since the last take): events may overtake this message on their own port.
    expected = message.n;
    if (count >= expected) {
      expected = Infinity;
      control.postMessage({ type: 'reached' });
    }
  } else if (message.type === 'take') {
    const reply: TakeReply = { type: 'taken', count, latencies: Float64Array.from(latencies) };
    count = 0;
    latencies = [];
    control.postMessage(reply);
  }
});

if (data.port) {
  data.port.on('message', ([name, event]: [string, BenchEvent]) => onEvent(name, event));
  control.postMessage({ type: 'ready' });
} else if (data.wsUrl) {
  const socket = new WebSocket(data.wsUrl);
  socket.on('message', (frame: Buffer) => {
    const [name, event] = JSON.parse(frame.toString('utf8')) as [string, BenchEvent];
    onEvent(name, event);
  });
  socket.once('open', () => control.postMessage({ type: 'ready' }));
  socket.once('error', (error) => {
    throw error;
  });
} else {
  throw new Error('event-sink: expected a port or a wsUrl in workerData');
}
