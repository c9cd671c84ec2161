/**
 * Entry of a plugin's task pool threads: piscina imports this file in each thread it
 * starts and calls the default export once per task (workers/task-protocol.ts has the
 * data flow). Like workers/bootstrap.ts it imports only the protocol, the SDK and the
 * loader, never host code, and installs the same module hooks before any plugin code
 * is imported.
 *
 * A task gets a TaskContext (AbortSignal, progress, the plugin's id, data dir and
 * options) and returns plain data. Whatever the thread prints is sent to the host as
 * the plugin's output instead of reaching the host's own stdout.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { paddockError, PaddockError } from '../sdk/errors.js';
import { fail, pluginThrew } from '../sdk/kernel/results.js';
import { SEND_ENVELOPE_BYTES } from '../sdk/kernel/protocol.js';
import type { TaskContext } from '../sdk/tasks.js';
import { runDefinition } from './run-definition.js';
import { boundMessagePorts } from './bounded-post.js';
import { lockMessagePorts } from './lock-ports.js';
import { describeImportError } from './import-error.js';
import { installModuleHooks } from './loader/install.js';
import type { DenialReport } from '../sdk/kernel/sandbox-data.js';
import { enterSandbox, sandboxFromBoot } from './sandbox.js';
import { pluginLoaderConfig } from './loader/plugin-loader-config.js';
import { loadTaskTable, type TaskTable } from './task-definitions.js';
import {
  CANCEL_POLL_MS,
  CANCEL_REASONS,
  OUTPUT_LINE_MAX,
  PROGRESS_MESSAGE_MAX,
  type TaskMessage,
  type TaskRequest,
  type TaskResponse,
  type TaskWorkerData,
} from '../sdk/kernel/task-protocol.js';

const data = workerData as TaskWorkerData | undefined;
if (data?.paddockTaskWorker !== 1 || !parentPort) throw new Error('workers/task-worker.js must run in a Paddock task pool thread');
const boot = data.boot;
const plugin = boot.id;
const slots = new Int32Array(data.cancelSlots);
const host = parentPort;
// Before any plugin code: plugin code reaches parentPort too, and whatever it posts there
// is decoded in the process that runs the pool.
boundMessagePorts({ plugin, maxBytes: boot.maxSendBytes });
lockMessagePorts();

const loaderConfig = pluginLoaderConfig();
const loader = installModuleHooks(loaderConfig);

// ── messages to the host, tagged with the task that is running (one at a time per thread; 0: none)
let current = { id: 0, posted: 0 };

function post(message: TaskMessage): void {
  if (message.paddockTask === current.id) current.posted++;
  host.postMessage(message);
}

/**
 * Output lines are bounded in count at their source, like progress: a burst of
 * OUTPUT_BURST lines, then OUTPUT_PER_SECOND a second (each cut at OUTPUT_LINE_MAX).
 * Past it lines are dropped and counted, and the count goes out as a line of its own
 * with the next line that may go, or at the end of the task. A task printing in a tight
 * loop (60,000 lines of 8 KB) otherwise put all of them through the relay to the host.
 */
// Half the host's default log budget (caps.logLinesPerSecond), so one thread's lines and the count of its drops get through it.
const OUTPUT_BURST = 500;
const OUTPUT_PER_SECOND = 500;
const outputBudget = { tokens: OUTPUT_BURST, at: performance.now(), dropped: 0 };

function admitLine(): boolean {
  const now = performance.now();
  outputBudget.tokens = Math.min(OUTPUT_BURST, outputBudget.tokens + ((now - outputBudget.at) * OUTPUT_PER_SECOND) / 1000);
  outputBudget.at = now;
  if (outputBudget.tokens < 1) {
    outputBudget.dropped++;
    return false;
  }
  outputBudget.tokens -= 1;
  return true;
}

/** The count of lines dropped since the last one that went out, as a line on stderr. */
function reportDroppedLines(): void {
  if (outputBudget.dropped === 0) return;
  const n = outputBudget.dropped;
  outputBudget.dropped = 0;
  post({ paddockTask: current.id, t: 'output', s: 'stderr', l: `${n} line${n === 1 ? '' : 's'} of output dropped (a task thread may print ${OUTPUT_PER_SECOND} lines a second after a burst of ${OUTPUT_BURST})` });
}

function captureOutput(stream: 'stdout' | 'stderr'): () => void {
  const target = process[stream];
  let partial = '';
  const emit = (line: string) => {
    if (!admitLine()) return;
    reportDroppedLines();
    const clipped = line.length > OUTPUT_LINE_MAX ? `${line.slice(0, OUTPUT_LINE_MAX)}… (${line.length} chars)` : line;
    post({ paddockTask: current.id, t: 'output', s: stream, l: clipped });
  };
  target.write = ((chunk: unknown, encoding?: unknown, callback?: unknown) => {
    partial += typeof chunk === 'string' ? chunk : Buffer.from(chunk as Uint8Array).toString('utf8');
    let newline = partial.indexOf('\n');
    while (newline >= 0) {
      emit(partial.slice(0, newline).replace(/\r$/, ''));
      partial = partial.slice(newline + 1);
      newline = partial.indexOf('\n');
    }
    const done = typeof encoding === 'function' ? encoding : callback;
    if (typeof done === 'function') queueMicrotask(() => (done as () => void)());
    return true;
  }) as typeof target.write;
  return () => {
    if (partial) emit(partial);
    partial = '';
  };
}
const flushStdout = captureOutput('stdout');
const flushStderr = captureOutput('stderr');

/**
 * A task thread has no API channel: its denials go to its stderr, which the pool sends
 * to the host as the plugin's output (a warning in the host's log under its name).
 */
function reportDenial(denial: DenialReport): void {
  process.stderr.write(`permission denied in a task thread: ${denial.access} to ${JSON.stringify(denial.resource)} (permissions.${denial.permission})\n`);
}

// ── the plugin's tasks, imported once per thread
type Loaded = { ok: true; table: TaskTable } | { ok: false; error: PaddockError };

async function prepare(): Promise<Loaded> {
  // The same permission gates and module policy as the plugin's own worker, from the same
  // boot record, before any plugin code is imported. No sandbox, no tasks.
  try {
    await enterSandbox(sandboxFromBoot(boot), { loader, loaderConfig, report: reportDenial, fillEnv: true });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    return { ok: false, error: paddockError('PADDOCK_ERR_START_FAILED', { plugin, reason: `its task thread could not enter the sandbox: ${reason}` }, { cause: error }) };
  }
  let mod: Record<string, unknown>;
  try {
    mod = await import(boot.moduleUrl) as Record<string, unknown>;
  } catch (error) {
    const reason = describeImportError(error, boot.moduleUrl);
    return { ok: false, error: paddockError('PADDOCK_ERR_PLUGIN_IMPORT', { plugin, url: boot.url, reason }, { cause: error, origin: 'plugin' }) };
  }
  try {
    const table = await loadTaskTable(mod, boot.moduleUrl);
    return { ok: true, table: table ?? { moduleUrl: boot.moduleUrl, tasks: new Map() } };
  } catch (error) {
    const reason = `its tasks module: ${describeImportError(error, boot.moduleUrl)}`;
    return { ok: false, error: paddockError('PADDOCK_ERR_PLUGIN_IMPORT', { plugin, url: boot.url, reason }, { cause: error, origin: 'plugin' }) };
  }
}
const loaded = prepare();
// Once loaded, tasks read it without waiting a turn.
let ready: Loaded | undefined;
void loaded.then((state) => {
  ready = state;
});

type Result = TaskResponse['result'];

/** A task that throws a PaddockError (a host call it made, its own abort …) keeps that error. */
function threw(task: string, error: unknown): PaddockError {
  return error instanceof PaddockError ? error : pluginThrew(plugin, `task ${JSON.stringify(task)}`, error);
}

/**
 * Progress is bounded in count: a burst of PROGRESS_BURST reports goes out as made, then
 * at most PROGRESS_PER_SECOND a second. A report made while none may go waits, and a
 * newer one replaces it (the caller wants where the task is, not every step); the one
 * waiting when the task ends goes out before its result. A task reporting in a tight
 * loop (200,000 reports in 4 s) costs the host about 500 messages, not 200,000.
 */
const PROGRESS_BURST = 100;
const PROGRESS_PER_SECOND = 100;

interface ProgressGate {
  tokens: number;
  at: number;
  waiting?: TaskMessage | undefined;
  timer?: NodeJS.Timeout | undefined;
}
let progressGate: ProgressGate | undefined;

function refill(gate: ProgressGate): void {
  const now = performance.now();
  gate.tokens = Math.min(PROGRESS_BURST, gate.tokens + ((now - gate.at) * PROGRESS_PER_SECOND) / 1000);
  gate.at = now;
}

/** Sends the report that waits, if any (at the end of a task, or when a token is due). */
function flushProgress(gate: ProgressGate | undefined): void {
  if (!gate) return;
  clearTimeout(gate.timer);
  gate.timer = undefined;
  const waiting = gate.waiting;
  gate.waiting = undefined;
  if (waiting) post(waiting);
}

function progressReporter(id: number, task: string): TaskContext['progress'] {
  const gate: ProgressGate = { tokens: PROGRESS_BURST, at: performance.now() };
  progressGate = gate;
  return (value, message) => {
    if (typeof value !== 'number' || !(value >= 0 && value <= 1)) {
      throw new RangeError(`task ${JSON.stringify(task)}: progress must be a number from 0 to 1, got ${String(value)}`);
    }
    if (current.id !== id) return; // the task has ended: nobody listens
    const report: TaskMessage = { paddockTask: id, t: 'progress', v: value };
    if (message !== undefined) report.m = String(message).slice(0, PROGRESS_MESSAGE_MAX);
    refill(gate);
    if (gate.waiting === undefined && gate.tokens >= 1) {
      gate.tokens -= 1;
      post(report);
      return;
    }
    gate.waiting = report;
    gate.timer ??= setTimeout(() => {
      gate.timer = undefined;
      refill(gate);
      gate.tokens = Math.max(0, gate.tokens - 1);
      flushProgress(gate);
    }, Math.ceil(1000 / PROGRESS_PER_SECOND));
  };
}

/** The AbortSignal of the running task, made when the task first asks for it. */
interface Cancel {
  controller?: AbortController;
}

async function run(id: number, task: string, params: unknown, cancel: Cancel): Promise<Result> {
  const state = ready ?? await loaded;
  if (!state.ok) return fail(state.error);
  const definition = state.table.tasks.get(task);
  if (!definition) {
    const known = [...state.table.tasks.keys()].join(', ') || 'no tasks';
    return fail(paddockError('PADDOCK_ERR_UNKNOWN_TASK', { plugin, task, known }));
  }
  const context: TaskContext = {
    get signal() {
      cancel.controller ??= new AbortController();
      return cancel.controller.signal;
    },
    progress: progressReporter(id, task),
    plugin,
    dataDir: boot.dataDir,
    options: (boot.options ?? {}) as Record<string, unknown>,
  };
  return runDefinition({
    plugin,
    what: `task ${JSON.stringify(task)}`,
    schema: definition.params,
    params,
    invalidParams: (problems) => paddockError('PADDOCK_ERR_INVALID_TASK_PARAMS', { plugin, task, problems }),
    run: (input) => definition.run(input, context),
    threw: (error) => threw(task, error),
    maxBytes: boot.maxSendBytes - SEND_ENVELOPE_BYTES,
  });
}

// ── cancellation: the host marks the running task's slot; one timer per thread looks at it
let watched: { request: TaskRequest; cancel: Cancel } | undefined;

setInterval(() => {
  // A task that never asked for its signal cannot hear it: the host ends its thread after the grace period.
  const abort = watched?.cancel.controller;
  if (!watched || !abort || abort.signal.aborted) return;
  const { request } = watched;
  if (Atomics.load(slots, request.slot * 2) !== request.id) return;
  const reason = Atomics.load(slots, request.slot * 2 + 1);
  if (reason === 0) return;
  abort.abort(paddockError('PADDOCK_ERR_TASK_CANCELLED', { plugin, task: request.task, reason: CANCEL_REASONS[reason] ?? 'it was asked to stop' }));
}, CANCEL_POLL_MS).unref();

/** Called by piscina for each task. Never throws: failures are Results. */
export default async function runTask(request: TaskRequest): Promise<TaskResponse> {
  const cancel: Cancel = {};
  watched = { request, cancel };
  current = { id: request.id, posted: 0 };
  try {
    const result = await run(request.id, String(request.task), request.params, cancel);
    flushProgress(progressGate);
    flushStdout();
    flushStderr();
    reportDroppedLines();
    return { result, posted: current.posted };
  } finally {
    watched = undefined;
    // A report still waiting here belongs to a task whose result is already on its way.
    clearTimeout(progressGate?.timer);
    progressGate = undefined;
    current = { id: 0, posted: 0 };
  }
}
