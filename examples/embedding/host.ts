import { fileURLToPath } from 'node:url';
import { PluginRuntime, defineMethod, z } from 'paddock-runtime';

const runtime = new PluginRuntime({
  apiVersion: '1.2.0',
  prettyLogs: true,
  api: {
    // A host method: arguments checked by the zod tuple, callable with the "users" scope.
    countUsers: defineMethod({
      scope: 'users',
      params: z.tuple([z.string().optional()]),
      handler: (ctx, prefix) => {
        ctx.logger.info(`counting users starting with ${prefix ?? '(any)'}`);
        return 42;
      },
    }),
  },
});

runtime.on('greeted', (data, source) => runtime.logger.info({ data, from: source.plugin }, 'a plugin greeted someone'));

await runtime.loadConfig({
  plugins: [{ url: './greeter-plugin.ts', options: { greeting: 'Hello' }, scopes: ['users'] }],
}, { baseDir: fileURLToPath(new URL('../../../examples/embedding/', import.meta.url)) });

runtime.emit('user_joined', { name: 'Ada' });
// Events and calls travel on separate channels: wait until the plugin has handled the event.
await runtime.drain();
console.log(await runtime.invoke('greeter-plugin', 'greet', { name: 'Grace' }));
await runtime.reconfigure('greeter-plugin', { greeting: 'Welcome' });
console.log(await runtime.invoke('greeter-plugin', 'greet', { name: 'Linus' }));
await runtime.drain();
await runtime.close();
