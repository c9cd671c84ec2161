import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { defineMethod, isPaddockError, PaddockError, z } from '../runtime/index.js';
import { testRuntime, waitFor, nextState, type TestRuntime } from './helpers.js';

let t: TestRuntime;

before(async () => {
  t = testRuntime({
    api: {
      add: defineMethod({ scope: 'math', params: z.tuple([z.number(), z.number()]), handler: (_ctx, a, b) => a + b }),
      whoami: defineMethod({ scope: 'read', params: z.tuple([]), handler: (ctx) => ({ id: ctx.plugin.id, name: ctx.plugin.name }) }),
      explode: defineMethod({ scope: 'read', params: z.tuple([]), handler: () => { throw new TypeError('host blew up'); } }),
      giveFunction: defineMethod({ scope: 'read', params: z.tuple([]), handler: () => ({ nested: { fn: () => 1 } }) }),
    },
    events: { audit: { scope: 'audit' } },
  });
  await t.runtime.load({ url: './probe.mjs', id: 'plain', options: { subscribe: ['news'] } });
  await t.runtime.load({ url: './probe.mjs', id: 'trusted', scopes: ['math', 'audit'], options: { subscribe: ['news', 'audit'] } });
});
after(() => t.close());

const call = (id: string, method: string, ...args: unknown[]) => t.runtime.invoke(id, 'call', { method, args });

/** The error a plugin got from the host, unwrapped from the plugin's rethrow. */
async function hostError(id: string, method: string, ...args: unknown[]): Promise<PaddockError> {
  const error = await call(id, method, ...args).then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_PLUGIN_THREW'), `expected the plugin to rethrow, got ${String(error)}`);
  const cause = (error as Error).cause;
  assert.ok(cause instanceof PaddockError, `the plugin should have received a PaddockError, got ${String(cause)}`);
  return cause;
}

test('a plugin calls a host method with valid arguments and gets the result', async () => {
  assert.equal(await call('trusted', 'add', 2, 3), 5);
  assert.deepEqual(await call('trusted', 'whoami'), { id: 'trusted', name: 'probe' });
});

test('invalid arguments are refused with the method, the plugin and each position', async () => {
  const error = await hostError('trusted', 'add', 'two', 3, 4);
  assert.equal(error.code, 'PADDOCK_ERR_INVALID_ARGUMENTS');
  assert.equal(error.origin, 'runtime');
  assert.match(error.message, /^plugin "trusted" called "add" with invalid arguments: /);
  assert.match(error.message, /\[0\]: Invalid input: expected number, received string/);
});

test('a method outside the plugin scopes is refused, naming the scope', async () => {
  const error = await hostError('plain', 'add', 1, 2);
  assert.equal(error.code, 'PADDOCK_ERR_SCOPE_DENIED');
  assert.equal(error.message, 'plugin "plain" may not call "add": it needs the scope "math" (grant it in the plugin\'s "scopes")');
});

test('an unknown method is refused', async () => {
  const error = await hostError('plain', 'constructor');
  assert.equal(error.code, 'PADDOCK_ERR_UNKNOWN_METHOD');
});

test('an error thrown by a host method reaches the plugin as a host error with its cause', async () => {
  const error = await hostError('plain', 'explode');
  assert.equal(error.code, 'PADDOCK_ERR_HOST_METHOD_FAILED');
  assert.equal(error.origin, 'host');
  assert.ok(error.cause instanceof Error);
  assert.equal((error.cause as Error).name, 'TypeError');
  assert.equal((error.cause as Error).message, 'host blew up');
});

test('values that cannot cross a thread are refused with the method and the path', async () => {
  const sent = await t.runtime.invoke('plain', 'sendFunction').then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(sent, 'PADDOCK_ERR_PLUGIN_THREW'));
  assert.equal(((sent as Error).cause as PaddockError).code, 'PADDOCK_ERR_NOT_CLONEABLE');
  assert.match(((sent as Error).cause as Error).message, /^call to "log": argument 1 is a function/);

  const returned = await t.runtime.invoke('plain', 'returnFunction').then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(returned, 'PADDOCK_ERR_NOT_CLONEABLE'));
  assert.match((returned as Error).message, /^result of action "returnFunction": the value is a function/);

  const instance = await t.runtime.invoke('plain', 'returnInstance').then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(instance, 'PADDOCK_ERR_NOT_CLONEABLE'));
  assert.match((instance as Error).message, /an instance of class Widget/);

  const hostResult = await hostError('plain', 'giveFunction');
  assert.equal(hostResult.code, 'PADDOCK_ERR_NOT_CLONEABLE');
  assert.match(hostResult.message, /^result of host method "giveFunction": nested\.fn is a function/);

  await assert.rejects(t.runtime.invoke('plain', 'echo', { cb: () => 1 }), (e: unknown) =>
    isPaddockError(e, 'PADDOCK_ERR_NOT_CLONEABLE') && /params of action "echo": cb is a function/.test((e as Error).message));
});

test('log() validates the severity and lands in the host log under the plugin name and in the log store', async () => {
  const bad = await hostError('plain', 'log', 'loud', 'hi');
  assert.equal(bad.code, 'PADDOCK_ERR_INVALID_ARGUMENTS');
  assert.match(bad.message, /\[0\]: Invalid option: expected one of "debug"\|"info"\|"log"\|"warn"\|"error"/);
  await call('plain', 'log', 'warn', 'disk is filling up');
  const line = t.logs.lines.find((l) => l.msg === 'disk is filling up');
  assert.equal(line?.plugin, 'plain');
  assert.equal(line?.level, 40);
  const stored = t.runtime.logs.query({ processId: 'plain', severity: 'warn' });
  assert.equal(stored.at(-1)?.text, 'disk is filling up');
});

test('the log query filters like Pup /logs and caps nRows at 100', async () => {
  for (let i = 0; i < 120; i++) t.runtime.record({ processId: 'proc-a', category: 'process', severity: 'info', text: `line ${i}` });
  const rows = await call('plain', 'logs', { processId: 'proc-a', nRows: 500 }) as Array<{ text: string }>;
  assert.equal(rows.length, 100);
  assert.equal(rows.at(-1)?.text, 'line 119');
  assert.equal(rows[0]?.text, 'line 20');
  const few = await call('plain', 'logs', { processId: 'proc-a', nRows: 3 }) as Array<{ text: string }>;
  assert.deepEqual(few.map((r) => r.text), ['line 117', 'line 118', 'line 119']);
  const bad = await hostError('plain', 'logs', { nRows: -1, colour: 'red' });
  assert.equal(bad.code, 'PADDOCK_ERR_INVALID_ARGUMENTS');
  assert.match(bad.message, /\[0\]\.nRows/);
  assert.match(bad.message, /unknown key "colour"/);
});

test('subscribing to a scoped event needs the scope; events reach only subscribers that may have them', async () => {
  assert.deepEqual(t.runtime.get('plain')?.subscriptions, ['news']);
  assert.deepEqual(t.runtime.get('trusted')?.subscriptions.sort(), ['audit', 'news']);
  // One rule on both roads: subscribing while constructed to an event it may not have fails the start.
  const refused = await t.runtime.load({ url: './probe.mjs', id: 'nosy', options: { subscribe: ['news', 'audit'] } }).then(() => undefined, (e: unknown) => e as Error);
  assert.ok(isPaddockError(refused, 'PADDOCK_ERR_START_FAILED'), String(refused));
  assert.equal(refused.message.includes('plugin "nosy" may not subscribe to "audit": it needs the scope "audit"'), true, refused.message);
  assert.ok(isPaddockError(refused.cause, 'PADDOCK_ERR_SCOPE_DENIED'));
  await t.runtime.unload('nosy');
  t.runtime.emit('audit', { who: 'root' });
  t.runtime.emit('news', 1);
  await t.runtime.drain();
  const plain = await t.runtime.invoke('plain', 'events') as unknown[];
  const trusted = await t.runtime.invoke('trusted', 'events') as unknown[];
  assert.deepEqual(plain, [['news', 1]]);
  assert.deepEqual(trusted, [['audit', { who: 'root' }], ['news', 1]]);
});

test('publish reaches host listeners with the source and other subscribed plugins, not the publisher', async () => {
  const seen: Array<[unknown, unknown]> = [];
  t.runtime.on('news', (data, source) => seen.push([data, source.plugin]));
  await t.runtime.invoke('trusted', 'publish', { event: 'news', data: { headline: 'plugins talk' } });
  await t.runtime.drain();
  assert.deepEqual(seen, [[{ headline: 'plugins talk' }, 'trusted']]);
  const plain = await t.runtime.invoke('plain', 'events') as unknown[];
  assert.deepEqual(plain.at(-1), ['news', { headline: 'plugins talk' }]);
  const trusted = await t.runtime.invoke('trusted', 'events') as unknown[];
  assert.notDeepEqual(trusted.at(-1), ['news', { headline: 'plugins talk' }]);
  const reserved = await hostError('plain', 'publish', 'plugin:state', {});
  assert.equal(reserved.code, 'PADDOCK_ERR_EVENT_NAME');
  assert.throws(() => t.runtime.emit('plugin:state', {}), /reserved for the runtime/);
});

test('a plugin cannot publish an event the host defined: its scoped subscribers would take it for the host\'s', async () => {
  const before = (await t.runtime.invoke('trusted', 'events') as unknown[]).length;
  // Neither a plugin without the event's scope, nor one holding it.
  for (const id of ['plain', 'trusted']) {
    const forged = await hostError(id, 'publish', 'audit', { who: 'forged' });
    assert.equal(forged.code, 'PADDOCK_ERR_EVENT_NAME');
    assert.match(forged.message, /defined by the host/);
  }
  await t.runtime.drain();
  const after = await t.runtime.invoke('trusted', 'events') as unknown[];
  assert.equal(after.length, before, 'nothing reached the subscriber of "audit"');
  // The host's own emit reaches it.
  t.runtime.emit('audit', { who: 'host' });
  await t.runtime.drain();
  assert.deepEqual((await t.runtime.invoke('trusted', 'events') as unknown[]).at(-1), ['audit', { who: 'host' }]);
});

test('plugin code cannot take hold of its API port to speak raw Comlink to the host', async () => {
  // The host would still drop and report raw messages (test/internals/wire.test.ts holds
  // the schema that does it); the port is not reachable in the first place.
  await t.runtime.load({ url: './port-thief.mjs' });
  const outcome = await t.runtime.invoke('port-thief', 'attack') as { stolen: boolean; refusal?: string };
  assert.equal(outcome.stolen, false, 'the plugin got hold of its API port');
  assert.match(outcome.refusal ?? '', /read only|Cannot assign/);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('leave() stops the plugin cleanly: cleanup() runs and the state says why', async () => {
  await t.runtime.load({ url: './probe.mjs', id: 'leaver' });
  const stopped = nextState(t.runtime, 'leaver', 'stopped');
  await t.runtime.invoke('leaver', 'leave');
  await stopped;
  assert.ok(t.logs.has('cleanup ran for leaver', 'leaver'));
  assert.equal(t.runtime.get('leaver')?.state, 'stopped');
});
