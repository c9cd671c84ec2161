/**
 * An rpc external plugin: a long-lived process speaking JSON-RPC 2.0 over stdio,
 * behind the same PluginTransport seam as a worker, so the controller supervises it
 * the same way (start deadline, restarts with backoff, tokens, events, stop).
 *
 *   controller ── control (PluginControl) ──▶ initialize / validate / configure / invoke / collect / stop
 *                                             token { token } when the token is renewed
 *   Outbox     ── events ───────────────────▶ event { name, data } per event, dropped { count }
 *   HostEndpoint ◀── call / subscribe / unsubscribe (with the plugin's token; host-bridge.ts)
 *   stderr lines ──▶ log levels (stderr-levels.ts); stdout lines that are not JSON ──▶ info
 *
 * Stop: the `stop` request (the controller's cleanup() deadline, limits.stopTimeoutMs);
 * a plugin that answered gets the same time to exit, one that did not is killed at once.
 */
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import type { Remote } from '../../sdk/kernel/remote.js';
import { paddockError, PaddockError } from '../../sdk/errors.js';
import { fail, ok, pluginThrew } from '../../sdk/kernel/results.js';
import type { EventBatch, PluginControl, Result, StartReport } from '../../sdk/kernel/protocol.js';
import type { EventChannel, PluginTransport, TransportOptions } from '../transport/types.js';
import { describeProcessEnd, killGroup, processEnv, spawnPluginProcess } from './exec-command.js';
import { externalTaskInfos, processArgs, type ExternalEntry } from './external-entry.js';
import { hostRequestHandler } from './host-bridge.js';
import { initializeResultSchema, RPC_ERRORS, RpcError } from './jsonrpc.js';
import { JsonRpcPeer } from './jsonrpc-peer.js';
import { compileParamsSchema, type ParamsCheck } from './params-schema.js';
import { pipeStderr } from './stderr-pipe.js';

export const MAX_RPC_LINE = 4 * 1024 * 1024;

/** The process went away while a request waited for its answer. */
class ProcessGone extends Error {}

export class RpcTransport implements PluginTransport {
  readonly kind = 'rpc';
  readonly control: Remote<PluginControl>;
  readonly events: EventChannel;
  readonly #options: TransportOptions;
  readonly #child: ChildProcess;
  readonly #peer: JsonRpcPeer;
  readonly #exitPromise: Promise<void>;
  #exited = false;
  #stopAnswered = false;
  #actions = new Map<string, ParamsCheck | undefined>();
  #collector = false;

  constructor(options: TransportOptions, external: ExternalEntry) {
    this.#options = options;
    const { boot } = options;
    const plugin = boot.id;
    this.#child = spawnPluginProcess(fileURLToPath(boot.moduleUrl), processArgs(external), {
      cwd: external.pluginDir,
      env: processEnv({ plugin, dataDir: boot.dataDir, pluginDir: external.pluginDir, env: external.env }),
    });
    const child = this.#child;
    let finish!: () => void;
    this.#exitPromise = new Promise((resolve) => {
      finish = resolve;
    });
    const ended = (reason: string, code: number) => {
      if (this.#exited) return;
      this.#exited = true;
      this.#peer.close(new ProcessGone(`the process ${reason}`));
      // Whatever the plugin started goes with it.
      killGroup(child);
      options.onExit({ code, reason });
      finish();
    };
    child.once('error', (error) => ended(`could not be started: ${error.message}`, 127));
    child.once('exit', (code, signal) => ended(describeProcessEnd(code, signal), code ?? 128));

    pipeStderr(child.stderr!, external.errLog, (line) => {
      if (line.kind === 'log') options.onOutput('stderr', line.message, line.severity);
      else options.onOutput('stderr', `progress ${Math.round(line.value * 100)}%${line.message ? ` ${line.message}` : ''}`, 'debug');
    });
    this.#peer = new JsonRpcPeer({
      input: child.stdout!,
      output: child.stdin!,
      maxLineLength: MAX_RPC_LINE,
      onRequest: hostRequestHandler(options.endpoint, { events: true }),
      onNotification: (method) => {
        if (method !== 'progress') options.onProtocolViolation(`a notification ${JSON.stringify(method)} the host does not know`);
      },
      onViolation: (problem) => options.onProtocolViolation(problem),
      onOtherLine: (line) => options.onOutput('stdout', line, 'info'),
    });
    this.events = this.#eventChannel();
    this.control = this.#controlAdapter(external) as unknown as Remote<PluginControl>;
  }

  get exited(): boolean {
    return this.#exited;
  }

  get pid(): number | undefined {
    return this.#child.pid;
  }

  /**
   * A liveness ping: a `ping` request every half `blockTimeoutMs`. Any answer counts,
   * "method not found" included (a plugin need not implement it); none within
   * `blockTimeoutMs` means the process is frozen or hung (stopped by a signal, stuck
   * in a loop that reads no input), and it is restarted like a blocked worker.
   */
  watchLiveness(blockTimeoutMs: number, onBlocked: (blockedMs: number) => void): () => void {
    let waiting: number | undefined;
    const timer = setInterval(() => {
      if (this.#exited) return;
      const now = Date.now();
      if (waiting !== undefined) {
        if (now - waiting >= blockTimeoutMs) {
          clearInterval(timer);
          onBlocked(now - waiting);
        }
        return;
      }
      const sent = now;
      waiting = sent;
      this.#peer.request('ping').then(() => undefined, () => undefined).then(() => {
        if (waiting === sent) waiting = undefined;
      });
    }, Math.max(10, Math.floor(blockTimeoutMs / 2)));
    timer.unref();
    return () => clearInterval(timer);
  }

  async terminate(): Promise<void> {
    if (this.#exited) return this.#exitPromise;
    if (this.#stopAnswered) {
      // It said it would stop: EOF on stdin, and the stop deadline to exit by itself.
      this.#child.stdin?.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.#exitPromise, new Promise((resolve) => {
        timer = setTimeout(resolve, this.#options.limits.stopTimeoutMs);
      })]);
      clearTimeout(timer);
    }
    if (!this.#exited) {
      if (this.#stopAnswered) this.#options.onOutput('stderr', `did not exit within ${this.#options.limits.stopTimeoutMs} ms of answering stop; killing it`, 'warn');
      killGroup(this.#child);
    }
    await this.#exitPromise;
  }

  #eventChannel(): EventChannel {
    const listeners = new Set<(ack: unknown) => void>();
    const peer = this.#peer;
    const options = this.#options;
    return {
      postMessage(batch: EventBatch) {
        const writes: Array<Promise<void>> = [];
        for (let i = 0; i < batch.e.length; i += 2) {
          const name = batch.e[i] as string;
          writes.push(peer.notify('event', { name, data: batch.e[i + 1] }).catch((error: unknown) => {
            if (error instanceof TypeError) options.onProtocolViolation(`nothing: the host's event ${JSON.stringify(name)} cannot be sent as JSON (${error.message}) and was discarded`);
            // Otherwise the process is gone; the exit handler reports it and the outbox keeps the events.
          }));
        }
        if (batch.d > 0) {
          // A failed write means the process is gone; the exit handler reports that.
          writes.push(peer.notify('dropped', { count: batch.d }).catch(() => undefined));
        }
        // Acknowledged once written to the pipe: the pipe's own back-pressure paces the outbox.
        void Promise.all(writes).then(() => {
          if (!peer.closed) for (const listener of listeners) listener(batch.s);
        });
      },
      on(_event: 'message', listener: (ack: unknown) => void) {
        listeners.add(listener);
      },
      off(_event: 'message', listener: (ack: unknown) => void) {
        listeners.delete(listener);
      },
    };
  }

  #controlAdapter(external: ExternalEntry): PluginControl {
    const { boot } = this.#options;
    const plugin = boot.id;
    const peer = this.#peer;
    const failure = (where: string, error: unknown): PaddockError => {
      if (error instanceof PaddockError) return error;
      if (error instanceof ProcessGone) return paddockError('PADDOCK_ERR_WORKER_EXITED', { plugin, call: where, reason: error.message.replace(/^the process /, '') });
      const reason = error instanceof RpcError ? `${error.message}${error.code === RPC_ERRORS.methodNotFound ? ' (the plugin does not implement it)' : ''}` : (error as Error).message;
      return pluginThrew(plugin, where, error, reason);
    };
    const run = async <T>(where: string, fn: () => Promise<T>): Promise<Result<T>> => {
      try {
        return ok(await fn());
      } catch (error) {
        return fail(failure(where, error));
      }
    };
    /** A request the plugin may leave unimplemented: "method not found" means "nothing to do". */
    const optional = async (method: string, params?: unknown): Promise<{ implemented: boolean; result: unknown }> => {
      try {
        return { implemented: true, result: await peer.request(method, params) };
      } catch (error) {
        if (error instanceof RpcError && error.code === RPC_ERRORS.methodNotFound) return { implemented: false, result: undefined };
        throw error;
      }
    };

    return {
      start: () => run('initialize', async (): Promise<StartReport> => {
        const answer = await peer.request('initialize', {
          id: plugin, token: boot.token, dataDir: boot.dataDir, pluginDir: external.pluginDir, options: boot.options,
        });
        const parsed = initializeResultSchema.safeParse(answer);
        if (!parsed.success) {
          throw paddockError('PADDOCK_ERR_PROTOCOL', { plugin, problem: 'an answer to initialize without { meta, actions?, events?, collector? }' });
        }
        const init = parsed.data;
        this.#actions = new Map((init.actions ?? []).map((action) => [action.name, compileParamsSchema(action.params ?? undefined, (reason) =>
          this.#options.onOutput('stderr', `the params schema of action ${JSON.stringify(action.name)} cannot be checked: ${reason}`, 'warn'))]));
        const collector = typeof init.collector === 'string' ? { kind: init.collector } : init.collector ?? undefined;
        this.#collector = collector !== undefined;
        const report: StartReport = {
          meta: init.meta,
          actions: (init.actions ?? []).map((a) => ({ name: a.name, ...(a.description ? { description: a.description } : {}), ...(a.params ? { params: a.params } : {}) })),
          tasks: externalTaskInfos(external.tasks),
          subscriptions: init.events ?? [],
          exportName: 'rpc',
          hooks: { validate: true, configure: true },
        };
        if (collector) report.collector = collector.interval === undefined ? { kind: collector.kind } : { kind: collector.kind, interval: collector.interval };
        return report;
      }),

      validate: async () => {
        try {
          const { result } = await optional('validate');
          if (result === false || typeof result === 'string') {
            throw paddockError('PADDOCK_ERR_VALIDATE_FAILED', { plugin, reason: typeof result === 'string' ? result : 'validate returned false' }, { origin: 'plugin' });
          }
          return ok(undefined);
        } catch (error) {
          const refused = error instanceof RpcError
            ? paddockError('PADDOCK_ERR_VALIDATE_FAILED', { plugin, reason: error.message }, { cause: error, origin: 'plugin' })
            : failure('validate', error);
          return fail(refused);
        }
      },

      configure: (options: unknown) => run('configure', async () => {
        await optional('configure', { options });
      }),

      invoke: (action: string, params: unknown) => run(`action ${JSON.stringify(action)}`, async () => {
        if (!this.#actions.has(action)) {
          throw paddockError('PADDOCK_ERR_UNKNOWN_ACTION', { plugin, action, known: [...this.#actions.keys()].join(', ') || 'no actions' });
        }
        const check = this.#actions.get(action);
        const checked = check?.(params);
        if (checked && !checked.ok) throw paddockError('PADDOCK_ERR_INVALID_PARAMS', { plugin, action, problems: checked.problems });
        return peer.request('invoke', { action, params: params === undefined ? null : params });
      }),

      collect: () => run('collect()', async () => {
        if (!this.#collector) throw paddockError('PADDOCK_ERR_NOT_A_COLLECTOR', { plugin });
        return peer.request('collect');
      }),

      refreshApiToken: (token: string) => run('token', () => peer.notify('token', { token })),

      stop: () => run('stop', async () => {
        const { implemented, result } = await optional('stop');
        this.#stopAnswered = true;
        return { cleanup: implemented && result === true };
      }),
    };
  }
}
