/**
 * Deno's sandboxed worker, the baseline bench/lib/deno.ts runs: a worker with
 * `deno: { permissions: "none" }` running a TypeScript module (sandboxed-worker.ts).
 * Prints one JSON line: start to first message (median after one warm-up), idle RSS per
 * worker (process RSS with `count` idle workers minus before, over count), and the
 * round trip of the round-trip scenario's payload (median).
 *
 *   deno run --unstable-worker-options --allow-read=<this folder> measure.ts <rounds> <count> <calls>
 */
const [rounds, count, calls] = Deno.args.map(Number) as [number, number, number];
const url = new URL('./sandboxed-worker.ts', import.meta.url).href;
const options = { type: 'module', deno: { permissions: 'none' } } as WorkerOptions;

function start(): Promise<Worker> {
  const worker = new Worker(url, options);
  return new Promise((resolve, reject) => {
    worker.onmessage = () => resolve(worker);
    worker.onerror = (event) => reject(new Error(event.message));
  });
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

(await start()).terminate();
const starts: number[] = [];
for (let i = 0; i < rounds; i++) {
  const t = performance.now();
  const worker = await start();
  starts.push(performance.now() - t);
  worker.terminate();
}

const payload = { id: 42, name: 'ticker', tags: ['web', 'prod'] };
const echo = await start();
const trips: number[] = [];
for (let i = 0; i < calls * 2; i++) {
  const t = performance.now();
  await new Promise<void>((resolve) => {
    echo.onmessage = () => resolve();
    echo.postMessage(payload);
  });
  if (i >= calls) trips.push((performance.now() - t) * 1000);
}
echo.terminate();

await new Promise((resolve) => setTimeout(resolve, 200));
const before = Deno.memoryUsage().rss;
const idle: Worker[] = [];
for (let i = 0; i < count; i++) idle.push(await start());
await new Promise((resolve) => setTimeout(resolve, 1000));
const after = Deno.memoryUsage().rss;
for (const worker of idle) worker.terminate();

console.log(JSON.stringify({
  deno: Deno.version.deno,
  startMs: median(starts),
  rssPerWorkerMb: (after - before) / count / 1024 / 1024,
  roundTripUs: median(trips),
  rounds,
  count,
  calls,
}));
