/**
 * Where a plugin worker's boot goes, step by step (scenario 3's breakdown). Started
 * like a plugin worker (same flags, empty environment), it does what the bootstrap
 * does, in its order, timing each part:
 *
 *   thread start       new Worker → this module runs (the floor a bare worker pays)
 *   SDK + comlink      the modules the bundled bootstrap imports as separate files
 *                      (dist/sdk/…, comlink: plugin code shares them, see build/bundle-workers.mjs)
 *   module hooks       module.registerHooks (Node ≥ 22.15, in-thread), else module.register
 *                      and its loader thread (Node 20)
 *   web globals        wrapping fetch/WebSocket/EventSource as the bootstrap does (WebSocket
 *                      on its first read, so undici is not loaded: Node ≥ 22 would load it
 *                      on any read of WebSocket)
 *   worker code        the bundle itself: compile and run the gates, loader and control
 *                      code (its own hook registration included; the parts above are cached)
 *
 * Each step is what it adds after the previous ones, timed from its start to its end;
 * their sum is close to the bootstrap's own boot.
 */
import { readFileSync } from 'node:fs';
import * as nodeModule from 'node:module';
import { parentPort, workerData } from 'node:worker_threads';

const now = () => performance.timeOrigin + performance.now();
const steps: Record<string, number> = {};
steps['thread start'] = now() - (workerData as { spawnedAt: number }).spawnedAt;
async function step(name: string, run: () => unknown): Promise<void> {
  const started = now();
  const result = run();
  if (result instanceof Promise) await result;
  steps[name] = now() - started;
}

const bundle = new URL('../../workers/bundle/bootstrap.js', import.meta.url);
const externals = [...readFileSync(bundle, 'utf8').matchAll(/^import (?:[^"]* from )?"([^"]+)";$/gm)]
  .map((match) => match[1]!)
  .filter((specifier) => !specifier.startsWith('node:'));

await step('SDK + comlink (separate modules)', async () => {
  for (const specifier of externals) await import(specifier.startsWith('.') ? new URL(specifier, bundle).href : specifier);
});
await step('module hooks', () => {
  const registerHooks = (nodeModule as unknown as { registerHooks?: (hooks: object) => unknown }).registerHooks;
  if (typeof registerHooks === 'function') registerHooks({ resolve: (s: string, c: unknown, next: (s: string, c: unknown) => unknown) => next(s, c) });
  else nodeModule.register(new URL('../../workers/bundle/off-thread-hooks.js', import.meta.url), { data: { aliases: {} } });
});
// Loaded untimed: in the bootstrap this module is part of the bundle (the worker code step).
const { wrapWebGlobals } = await import(new URL('../../workers/gates/web-globals.js', import.meta.url).href) as typeof import('../../workers/gates/web-globals.js');
await step('web globals (fetch, WebSocket, EventSource)', () => {
  // What the bootstrap does: wrap them (WebSocket on its first read: undici is not loaded here).
  wrapWebGlobals();
});
await step('worker code (the bundle: gates, loader, control)', () => import(bundle.href));
parentPort!.postMessage({ type: 'steps', steps });
