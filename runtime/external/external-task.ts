/**
 * One run of an external plugin's task: a process of its own, `exec` + the task's
 * `execArgs` (Stash's model), in the plugin's folder with a small environment.
 *
 * - raw: the input `{ task, params, options, plugin: { id, dataDir, dir } }` is written
 *   to stdin as JSON; stdout is the result, decoded as JSON if it parses, else text.
 *   Cancelling (or the deadline) kills the process.
 * - rpc: the host sends the request `run` with the same input plus a token; the
 *   process may call the host (`call`, with that token) and send `progress`
 *   notifications. Cancelling sends `stop`, then kills after the grace period.
 *
 * Both: stderr lines are log lines with levels, or progress (stderr-levels.ts). The
 * promise settles once the process has ended, so nothing outlives a finished task.
 */
import type { ChildProcess } from 'node:child_process';
import { paddockError, PaddockError } from '../../sdk/errors.js';
import type { LogSeverity } from '../../sdk/types.js';
import type { HostEndpoint } from '../../sdk/kernel/protocol.js';
import { pluginThrew } from '../../sdk/kernel/results.js';
import type { ExternalTask } from '../config/entry-models.js';
import type { TaskProgress, TaskRunOptions } from '../tasks/task-types.js';
import { describeProcessEnd, killGroup, processEnv, spawnPluginProcess } from './exec-command.js';
import { processArgs, type ExternalEntry } from './external-entry.js';
import { hostRequestHandler } from './host-bridge.js';
import { progressParamsSchema, RpcError } from './jsonrpc.js';
import { JsonRpcPeer } from './jsonrpc-peer.js';
import { MAX_RPC_LINE } from './rpc-transport.js';
import { pipeStderr } from './stderr-pipe.js';

/** The most a raw task may print on stdout. */
export const MAX_RAW_OUTPUT_BYTES = 16 * 1024 * 1024;

export interface ExternalTaskRun {
  plugin: string;
  external: ExternalEntry;
  /** Absolute path of the command. */
  command: string;
  task: ExternalTask;
  params: unknown;
  /** The plugin's options. */
  options: Record<string, unknown>;
  dataDir: string;
  timeoutMs: number;
  /** After a stop request (rpc), how long before the process is killed. */
  graceMs: number;
  run: TaskRunOptions;
  onOutput(stream: 'stdout' | 'stderr', line: string, severity: LogSeverity): void;
  /** rpc: the plugin's API endpoint and a token for this run. */
  host?: { endpoint: HostEndpoint; token: string };
}

function decodeOutput(stdout: Buffer): unknown {
  const text = stdout.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    // Not JSON: the result is the text (Stash's raw interface), without its final newline.
    return text.replace(/\r?\n$/, '');
  }
}

export function runExternalTask(spec: ExternalTaskRun): Promise<unknown> {
  const { plugin, external, task, run } = spec;
  const name = JSON.stringify(task.name);
  const what = `task ${name}`;
  const input = { task: task.name, params: spec.params === undefined ? null : spec.params, options: spec.options, plugin: { id: plugin, dataDir: spec.dataDir, dir: external.pluginDir } };
  return new Promise((resolve, reject) => {
    let child: ChildProcess;
    try {
      child = spawnPluginProcess(spec.command, processArgs(external, task.execArgs), {
        cwd: external.pluginDir,
        env: processEnv({ plugin, dataDir: spec.dataDir, pluginDir: external.pluginDir, env: external.env }),
      });
    } catch (error) {
      reject(paddockError('PADDOCK_ERR_EXEC_FAILED', { plugin, what, reason: `the process could not be started: ${(error as Error).message}` }, { cause: error }));
      return;
    }
    let stopReason: PaddockError | undefined;
    let outcome: { value: unknown } | { error: PaddockError } | undefined;
    let finished = false;
    let graceTimer: NodeJS.Timeout | undefined;
    const stderrTail: string[] = [];
    const stdout: Buffer[] = [];
    let stdoutBytes = 0;
    let peer: JsonRpcPeer | undefined;

    const progress = (report: TaskProgress) => {
      if (stopReason || outcome) return;
      try {
        run.onProgress?.(report);
      } catch (error) {
        spec.onOutput('stderr', `the progress listener of ${what} threw: ${(error as Error).message}`, 'error');
      }
    };
    const stop = (reason: PaddockError) => {
      if (stopReason || finished) return;
      stopReason = reason;
      if (!peer) {
        killGroup(child);
        return;
      }
      // Asked first; the answer does not matter, the process ending does.
      peer.request('stop').catch(() => undefined);
      graceTimer = setTimeout(() => killGroup(child), spec.graceMs);
    };
    const timeoutTimer = setTimeout(() => stop(paddockError('PADDOCK_ERR_TASK_TIMEOUT', { plugin, task: task.name, ms: spec.timeoutMs })), spec.timeoutMs);
    const onAbort = () => {
      const reason = run.signal?.reason;
      stop(reason instanceof PaddockError ? reason : paddockError('PADDOCK_ERR_TASK_CANCELLED', {
        plugin, task: task.name, reason: reason instanceof Error && reason.name !== 'AbortError' ? reason.message : 'the caller aborted it',
      }));
    };
    if (run.signal?.aborted) onAbort();
    else run.signal?.addEventListener('abort', onAbort, { once: true });

    const tail = () => (stderrTail.length ? `; its last stderr line: ${JSON.stringify(stderrTail.at(-1))}` : '');
    const finish = (end: string) => {
      if (finished) return;
      finished = true;
      clearTimeout(timeoutTimer);
      clearTimeout(graceTimer);
      run.signal?.removeEventListener('abort', onAbort);
      peer?.close(new Error(`the process ${end}`));
      if (stopReason) reject(stopReason);
      else if (outcome && 'error' in outcome) reject(outcome.error);
      else if (outcome) resolve(outcome.value);
      else if (peer) reject(paddockError('PADDOCK_ERR_EXEC_FAILED', { plugin, what, reason: `the process ${end} before answering run${tail()}` }));
      else if (end === describeProcessEnd(0, null)) resolve(decodeOutput(Buffer.concat(stdout)));
      else reject(paddockError('PADDOCK_ERR_EXEC_FAILED', { plugin, what, reason: `the process ${end}${tail()}` }));
    };
    child.once('error', (error) => finish(`could not be started: ${error.message}`));
    // What the process left running goes too, so its pipes close and 'close' follows.
    child.once('exit', () => killGroup(child));
    child.once('close', (code, signal) => finish(describeProcessEnd(code, signal)));

    pipeStderr(child.stderr!, external.errLog, (line) => {
      if (line.kind === 'progress') {
        progress(line.message === undefined ? { value: line.value } : { value: line.value, message: line.message });
        return;
      }
      stderrTail.push(line.message);
      if (stderrTail.length > 5) stderrTail.shift();
      spec.onOutput('stderr', line.message, line.severity);
    });
    // The process may exit without reading its input: that is its business, not an error here.
    child.stdin!.on('error', () => undefined);

    if (external.interface === 'raw') {
      child.stdout!.on('data', (chunk: Buffer) => {
        if (outcome) return;
        stdoutBytes += chunk.length;
        if (stdoutBytes > MAX_RAW_OUTPUT_BYTES) {
          outcome = { error: paddockError('PADDOCK_ERR_EXEC_FAILED', { plugin, what, reason: `it printed more than ${MAX_RAW_OUTPUT_BYTES} bytes on stdout` }) };
          killGroup(child);
          return;
        }
        stdout.push(chunk);
      });
      child.stdin!.end(`${JSON.stringify(input)}\n`);
      return;
    }

    peer = new JsonRpcPeer({
      input: child.stdout!,
      output: child.stdin!,
      maxLineLength: MAX_RPC_LINE,
      onRequest: spec.host ? hostRequestHandler(spec.host.endpoint, { events: false }) : async () => {
        throw new RpcError(-32601, 'this host offers no API to tasks');
      },
      onNotification: (method, params) => {
        if (method !== 'progress') {
          spec.onOutput('stderr', `protocol violation: a notification ${JSON.stringify(method)} the host does not know; dropped`, 'warn');
          return;
        }
        const parsed = progressParamsSchema.safeParse(params);
        if (parsed.success) progress(parsed.data.message === undefined ? { value: parsed.data.value } : parsed.data as TaskProgress);
        else spec.onOutput('stderr', 'protocol violation: a progress notification without { value: 0..1, message? }; dropped', 'warn');
      },
      onViolation: (problem) => spec.onOutput('stderr', `protocol violation: the process sent ${problem}; dropped`, 'warn'),
      onOtherLine: (line) => spec.onOutput('stdout', line, 'info'),
    });
    peer.request('run', { ...input, ...(spec.host ? { token: spec.host.token } : {}) }).then(
      (value) => {
        outcome = { value };
        // Done: EOF on stdin, and the grace period to exit by itself.
        child.stdin!.end();
        graceTimer ??= setTimeout(() => killGroup(child), spec.graceMs);
      },
      (error: unknown) => {
        if (finished || stopReason) return;
        if (error instanceof RpcError) {
          outcome = { error: pluginThrew(plugin, what, error, error.message) };
          child.stdin!.end();
          graceTimer ??= setTimeout(() => killGroup(child), spec.graceMs);
        }
        // Otherwise the process ended first: finish() says how.
      },
    );
  });
}
