/**
 * One end of a JSON-RPC 2.0 conversation over a child's stdio, one JSON object per
 * line. Requests go both ways: `request()` sends one and resolves with the answer;
 * the plugin's requests go to `onRequest`, whose value (or RpcError) is the answer.
 * Every incoming line is validated (jsonrpc.ts); a line that is not JSON is plain
 * output of the plugin, anything else outside the protocol is reported and dropped.
 */
import type { Readable, Writable } from 'node:stream';
import { readLines } from './line-reader.js';
import { RPC_ERRORS, RpcError, rpcErrorSchema, rpcNotificationSchema, rpcRequestSchema, rpcSuccessSchema, type RpcRequest } from './jsonrpc.js';

export interface RpcPeerOptions {
  input: Readable;
  output: Writable;
  /** Longest line accepted; a longer one is dropped as a protocol violation. */
  maxLineLength: number;
  onRequest(method: string, params: unknown): Promise<unknown>;
  onNotification(method: string, params: unknown): void;
  onViolation(problem: string): void;
  /** A line that is not JSON: the plugin printed something. */
  onOtherLine(line: string): void;
}

/** Writing failed because the pipe is closed: the process is going away, and its exit says why. */
class PipeClosed extends Error {}

interface Pending {
  method: string;
  resolve(value: unknown): void;
  reject(error: Error): void;
}

export class JsonRpcPeer {
  readonly #options: RpcPeerOptions;
  readonly #pending = new Map<number, Pending>();
  #nextId = 1;
  #closed: Error | undefined;

  constructor(options: RpcPeerOptions) {
    this.#options = options;
    // EPIPE and the like when the process is gone: its exit handler closes this peer with the reason.
    options.output.on('error', () => undefined);
    readLines(options.input, options.maxLineLength, (line, truncated) => {
      if (truncated) {
        options.onViolation(`a line longer than ${options.maxLineLength} characters`);
        return;
      }
      if (line.trim() === '') return;
      this.#receive(line);
    });
  }

  get closed(): boolean {
    return this.#closed !== undefined;
  }

  /** Send a request; resolves with its result, rejects with an RpcError for an error answer. */
  request(method: string, params?: unknown): Promise<unknown> {
    if (this.#closed) return Promise.reject(this.#closed);
    const id = this.#nextId++;
    return new Promise((resolve, reject) => {
      this.#pending.set(id, { method, resolve, reject });
      this.#write({ jsonrpc: '2.0', id, method, ...(params === undefined ? {} : { params }) }).catch((error: unknown) => {
        // A closed pipe leaves the request waiting for close(), which brings the process's end as the reason.
        if (error instanceof PipeClosed) return;
        if (this.#pending.delete(id)) reject(error as Error);
      });
    });
  }

  /** Send a notification; resolves once it is written to the pipe. */
  notify(method: string, params?: unknown): Promise<void> {
    if (this.#closed) return Promise.reject(this.#closed);
    return this.#write({ jsonrpc: '2.0', method, ...(params === undefined ? {} : { params }) });
  }

  /** The process is gone: every request waiting for an answer is rejected with `error`. */
  close(error: Error): void {
    this.#closed ??= error;
    for (const [id, pending] of this.#pending) {
      this.#pending.delete(id);
      pending.reject(error);
    }
  }

  #write(message: Record<string, unknown>): Promise<void> {
    let line: string;
    try {
      line = `${JSON.stringify(message)}\n`;
    } catch (error) {
      return Promise.reject(new TypeError(`cannot be sent as JSON: ${(error as Error).message}`));
    }
    return new Promise((resolve, reject) => {
      const output = this.#options.output;
      if (output.destroyed || output.writableEnded) {
        reject(this.#closed ?? new PipeClosed('its stdin is closed'));
        return;
      }
      output.write(line, (error) => (error ? reject(new PipeClosed(error.message)) : resolve()));
    });
  }

  #receive(line: string): void {
    let message: unknown;
    // Most output that is not JSON does not start like JSON: no parse (and no exception) for it.
    const first = line.trimStart()[0];
    if (first !== '{' && first !== '[') {
      this.#options.onOtherLine(line);
      return;
    }
    try {
      message = JSON.parse(line);
    } catch {
      // Not JSON: the plugin printed something for people, not for the host.
      this.#options.onOtherLine(line);
      return;
    }
    if (typeof message !== 'object' || message === null || Array.isArray(message)) {
      this.#options.onViolation(Array.isArray(message) ? 'a JSON-RPC batch (not supported: send one message per line)' : 'a JSON value that is not a JSON-RPC message');
      return;
    }
    if ('method' in message) {
      if ('id' in message) {
        const request = rpcRequestSchema.safeParse(message);
        if (request.success) void this.#answer(request.data);
        else this.#refuse((message as { id?: unknown }).id, 'an invalid JSON-RPC request');
        return;
      }
      const notification = rpcNotificationSchema.safeParse(message);
      if (notification.success) this.#options.onNotification(notification.data.method, notification.data.params);
      else this.#options.onViolation('an invalid JSON-RPC notification');
      return;
    }
    const success = rpcSuccessSchema.safeParse(message);
    if (success.success) {
      this.#settle(success.data.id, (p) => p.resolve(success.data.result));
      return;
    }
    const failure = rpcErrorSchema.safeParse(message);
    if (failure.success) {
      const { code, message: text, data } = failure.data.error;
      if (failure.data.id === null) this.#options.onViolation(`an error without a request id: ${text}`);
      else this.#settle(failure.data.id, (p) => p.reject(new RpcError(code, text, data)));
      return;
    }
    this.#options.onViolation('a JSON object that is neither a JSON-RPC request, notification nor response');
  }

  #settle(id: string | number, action: (pending: Pending) => void): void {
    const pending = typeof id === 'number' ? this.#pending.get(id) : undefined;
    if (!pending) {
      this.#options.onViolation(`an answer to request ${JSON.stringify(id)}, which the host did not send or already had answered`);
      return;
    }
    this.#pending.delete(id as number);
    action(pending);
  }

  async #answer(request: RpcRequest): Promise<void> {
    let reply: Record<string, unknown>;
    try {
      const result = await this.#options.onRequest(request.method, request.params);
      reply = { jsonrpc: '2.0', id: request.id, result: result === undefined ? null : result };
    } catch (error) {
      const code = error instanceof RpcError ? error.code : RPC_ERRORS.internal;
      const data = error instanceof RpcError ? error.data : undefined;
      reply = { jsonrpc: '2.0', id: request.id, error: { code, message: (error as Error).message, ...(data === undefined ? {} : { data }) } };
    }
    if (this.#closed) return;
    await this.#write(reply).catch((error: unknown) => {
      // The value cannot be written as JSON (a BigInt, …): say so instead.
      if (this.#closed) return;
      // If even the error cannot be written, the process is gone; its exit is reported elsewhere.
      return this.#write({ jsonrpc: '2.0', id: request.id, error: { code: RPC_ERRORS.internal, message: (error as Error).message } }).catch(() => undefined);
    });
  }

  #refuse(id: unknown, problem: string): void {
    this.#options.onViolation(problem);
    const validId = typeof id === 'string' || (typeof id === 'number' && Number.isInteger(id)) ? id : null;
    // A failed write means the process is gone; its exit is reported elsewhere.
    void this.#write({ jsonrpc: '2.0', id: validId, error: { code: RPC_ERRORS.invalidRequest, message: problem } }).catch(() => undefined);
  }
}
