/**
 * Collectors, embedded: an InfoPlugin collected once and cached, a MonitorPlugin
 * collected every half second; each result arrives as a runtime event. Run it with
 * `npm run build && node dist/examples/models/collectors-host.js`.
 */
import { fileURLToPath } from 'node:url';
import { PluginRuntime } from 'paddock-runtime';

const runtime = new PluginRuntime({ logLevel: 'warn' });
const firstInfo = new Promise<void>((resolve) => {
  runtime.on('plugin:info', (result) => {
    console.log('info', JSON.stringify(result.data));
    resolve();
  });
});
const twoMeasurements = new Promise<void>((resolve) => {
  let count = 0;
  runtime.on('plugin:monitor', (result) => {
    console.log('monitor', JSON.stringify(result.data));
    if (++count === 2) resolve();
  });
});

await runtime.loadConfig({
  plugins: [
    { url: './runtime-info.ts' },
    { url: './heap-monitor.ts', collector: { interval: 0.5, timeoutMs: 2000 } },
  ],
}, { baseDir: fileURLToPath(new URL('../../../examples/plugins/', import.meta.url)) });

await Promise.all([firstInfo, twoMeasurements]);
console.log('cached', JSON.stringify(runtime.collected('runtime-info')?.data));
const fresh = await runtime.refreshInfo();
console.log('refreshed', JSON.stringify(fresh['runtime-info']?.data));
await runtime.close();
