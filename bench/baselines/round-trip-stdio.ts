/**
 * Baseline: JSON-RPC 2.0 over a child process's stdio, the way Stash's and Digital
 * Rebar's external plugins talk. This process is the plugin: the runner asks it (a
 * request `run`) to call the host's `echo` n times; each call is one line on stdout
 * and its answer one line on stdin.
 */
import { createInterface } from 'node:readline';

interface RpcMessage {
  jsonrpc: '2.0';
  id?: number | string;
  method?: string;
  params?: unknown;
  result?: unknown;
  error?: { code: number; message: string };
}

let nextId = 1;
const pending = new Map<number | string, (message: RpcMessage) => void>();

function send(message: RpcMessage): void {
  process.stdout.write(`${JSON.stringify(message)}\n`);
}

function call(method: string, params: unknown): Promise<unknown> {
  const id = nextId++;
  return new Promise((resolve, reject) => {
    pending.set(id, (reply) => (reply.error ? reject(new Error(reply.error.message)) : resolve(reply.result)));
    send({ jsonrpc: '2.0', id, method, params });
  });
}

async function run(id: number | string, params: { n: number; payload: unknown }): Promise<void> {
  const samples: number[] = [];
  for (let i = 0; i < params.n; i++) {
    const start = performance.now();
    await call('echo', [params.payload]);
    samples.push(performance.now() - start);
  }
  send({ jsonrpc: '2.0', id, result: samples });
}

createInterface({ input: process.stdin }).on('line', (line) => {
  const message = JSON.parse(line) as RpcMessage;
  if (message.method === 'run' && message.id !== undefined) {
    void run(message.id, message.params as { n: number; payload: unknown });
    return;
  }
  if (message.id !== undefined) {
    const resolve = pending.get(message.id);
    pending.delete(message.id);
    resolve?.(message);
  }
});
send({ jsonrpc: '2.0', method: 'ready' });
