/**
 * Starting the baselines' bare workers and child processes, and waiting on them with
 * a bound: every wait in the suite has a deadline, so a stuck baseline fails its
 * scenario instead of hanging the run.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createInterface } from 'node:readline';
import { Worker, type TransferListItem } from 'node:worker_threads';

/** A compiled file of the suite (bench/… is compiled to dist/bench/…). */
export function benchFile(relative: string): URL {
  return new URL(`../${relative}`, import.meta.url);
}

/** A file of bench/fixtures (plugins, loaded uncompiled by the runtime). */
export function fixturePath(name: string): string {
  return new URL(`../../../bench/fixtures/${name}`, import.meta.url).pathname;
}

export async function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/** The next message from `worker` that satisfies `accept`, or an error if it exits first. */
export function nextMessage<T = unknown>(worker: Worker, accept: (message: T) => boolean = () => true, ms = 60_000): Promise<T> {
  return withTimeout(new Promise<T>((resolve, reject) => {
    const onMessage = (message: T) => {
      if (!accept(message)) return;
      cleanup();
      resolve(message);
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const onExit = (code: number) => {
      cleanup();
      reject(new Error(`worker exited with code ${code}`));
    };
    const cleanup = () => {
      worker.off('message', onMessage);
      worker.off('error', onError);
      worker.off('exit', onExit);
    };
    worker.on('message', onMessage);
    worker.on('error', onError);
    worker.on('exit', onExit);
  }), ms, 'a message from a baseline worker');
}

/** A bare worker running a compiled baseline script, resolved once it says `ready`. */
export async function startWorker(script: string, workerData?: unknown, transferList?: TransferListItem[]): Promise<Worker> {
  const worker = new Worker(benchFile(script), { workerData, ...(transferList ? { transferList } : {}) });
  await nextMessage<{ type?: string }>(worker, (m) => m?.type === 'ready', 30_000);
  return worker;
}

/** Ask a baseline worker something and wait for the reply of the given type. */
export async function ask<T>(worker: Worker, message: Record<string, unknown>, replyType: string, ms = 120_000): Promise<T> {
  const reply = nextMessage<{ type?: string }>(worker, (m) => m?.type === replyType, ms);
  worker.postMessage(message);
  return (await reply) as T;
}

export interface LineChild {
  child: ChildProcess;
  /** Resolves with the next stdout line that satisfies `accept`. */
  nextLine(accept?: (line: string) => boolean, ms?: number): Promise<string>;
  /** Every stdout line, from now on. */
  onLine(listener: (line: string) => void): void;
  send(line: string): void;
  stop(): Promise<void>;
}

/** A child `node` process speaking lines on stdio. */
export function spawnNode(script: string | URL, args: string[] = [], nodeArgs: string[] = []): LineChild {
  const path = typeof script === 'string' ? script : script.pathname;
  const child = spawn(process.execPath, [...nodeArgs, path, ...args], { stdio: ['pipe', 'pipe', 'inherit'] });
  const lines = createInterface({ input: child.stdout! });
  const waiting: Array<{ accept: (line: string) => boolean; resolve: (line: string) => void }> = [];
  lines.on('line', (line) => {
    const index = waiting.findIndex((w) => w.accept(line));
    if (index >= 0) waiting.splice(index, 1)[0]!.resolve(line);
  });
  const exited = once(child, 'exit');
  return {
    child,
    nextLine(accept = () => true, ms = 60_000) {
      return withTimeout(Promise.race([
        new Promise<string>((resolve) => waiting.push({ accept, resolve })),
        exited.then(([code]) => {
          throw new Error(`child process ${path} exited with code ${String(code)}`);
        }),
      ]), ms, `a line from ${path}`);
    },
    onLine(listener) {
      lines.on('line', listener);
    },
    send(line: string) {
      child.stdin!.write(`${line}\n`);
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await withTimeout(exited, 10_000, `${path} to exit`);
      }
    },
  };
}

/** Terminate workers, all of them even if one fails. */
export async function terminateAll(workers: Iterable<Worker>): Promise<void> {
  await Promise.allSettled([...workers].map((w) => w.terminate()));
}
