import { PluginRuntime } from '/work/wt/tasks/dist/runtime/index.js';
import { pino } from 'pino';
const rt = new PluginRuntime({ baseDir: '/work/wt/tasks/test/fixtures', dataDir: '/tmp/tasks-dbg-data', logger: pino({ level: process.env.LV ?? 'warn' }), limits: { restartBackoffMs: 100 } });
rt.on('plugin:state', (c) => c.to === 'crashed' && console.log('STATE', c.id, c.reason));
await rt.load({ url: './tasks-plugin.ts', id: 'tp', isolation: 'process', pool: { size: 1 } });
const seen = [];
console.log('add', await rt.runTask('tp', 'add', { a: 1, b: 2 }));
console.log('steps', await rt.runTask('tp', 'steps', { n: 3 }, { onProgress: (p) => seen.push(p.value) }), seen);
await rt.load({ url: './task-heap-bomb.mjs', id: 'tbomb', isolation: 'process', limits: { maxOldGenerationSizeMb: 128 }, pool: { size: 1 } });
for (const task of ['fill', 'push']) {
  const t0 = Date.now();
  await rt.runTask('tbomb', task).catch((e) => console.log('ERR', Date.now() - t0, 'ms', e.code, e.message));
  console.log('next', await rt.runTask('tbomb', 'add', { a: 1, b: 2 }), rt.get('tbomb').state);
}
await rt.close();
console.log('closed');
