import { isPaddockError } from '../runtime/index.js';
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { startPlugin } from 'paddock-runtime/sdk/testing';

test('greets people who join', async () => {
  await using plugin = await startPlugin({
    plugin: 'examples/embedding/greeter-plugin.ts',
    options: { greeting: 'Hi' },
  });
  plugin.watch('greeted');
  await plugin.emit('user_joined', { name: 'Ada' });
  await plugin.waitForLog('Hi, Ada!');
  assert.deepEqual((await plugin.waitForPublished('greeted')).data, { name: 'Ada' });
  assert.equal(await plugin.invoke('greet', { name: 'Bob' }), 'Hi, Bob!');
});

test('the harness reports refusals, param errors and reconfiguration', async () => {
  await assert.rejects(startPlugin({ plugin: 'test/fixtures/no-class.mjs' }), (e: unknown) => isPaddockError(e, 'PADDOCK_ERR_NO_PLUGIN_CLASS'));
  await using plugin = await startPlugin({ plugin: 'examples/embedding/greeter-plugin.ts', options: { greeting: 'Hi' } });
  await assert.rejects(plugin.invoke('greet', { name: 7 }), (e: unknown) =>
    isPaddockError(e, 'PADDOCK_ERR_INVALID_PARAMS') && /name: Invalid input: expected string, received number/.test((e as Error).message));
  await plugin.reconfigure({ greeting: 'Hello' });
  assert.equal(await plugin.invoke('greet', { name: 'Eve' }), 'Hello, Eve!');
  assert.deepEqual(plugin.info.actions, [{
    name: 'greet',
    description: 'Return a greeting',
    params: {
      $schema: 'https://json-schema.org/draft/2020-12/schema',
      type: 'object',
      properties: { name: { type: 'string' } },
      required: ['name'],
      additionalProperties: false,
    },
  }]);
});

test('a plugin with its own client passes refreshed tokens on itself', async () => {
  await using plugin = await startPlugin({
    plugin: 'examples/embedding/own-client-plugin.ts',
    runtime: { tokenLifeMs: 400, tokenRenewBeforeMs: 200 },
  });
  // Let the first token (400 ms) expire: the call only succeeds if the plugin passed the renewals on.
  await new Promise((resolve) => setTimeout(resolve, 1000));
  await plugin.invoke('hello');
  await plugin.waitForLog('hello through my own client');
});
