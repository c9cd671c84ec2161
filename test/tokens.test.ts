import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { isPaddockError, PaddockError } from '../runtime/index.js';
import { testRuntime, waitFor, type TestRuntime } from './helpers.js';

let short: TestRuntime;
let normal: TestRuntime;

before(async () => {
  short = testRuntime({ tokenLifeMs: 600, tokenRenewBeforeMs: 300 });
  normal = testRuntime();
  await short.runtime.load({ url: './probe.mjs', id: 'renewing' });
  await normal.runtime.load({ url: './probe.mjs', id: 'alpha' });
  await normal.runtime.load({ url: './probe.mjs', id: 'beta' });
});
after(async () => {
  await short.close();
  await normal.close();
});

async function pluginCallError(runtime: TestRuntime['runtime'], id: string, action: string, params: unknown): Promise<PaddockError> {
  const error = await runtime.invoke(id, action, params).then(() => undefined, (e: unknown) => e);
  assert.ok(isPaddockError(error, 'PADDOCK_ERR_PLUGIN_THREW'), `expected the call to fail, got ${String(error)}`);
  assert.ok((error as Error).cause instanceof PaddockError);
  return (error as Error).cause as PaddockError;
}

test('tokens are renewed before expiry: refreshApiToken is called and the managed client keeps working', async () => {
  const renewals = () => short.logs.lines.filter((l) => l.plugin === 'renewing' && l.msg === 'token renewed').length;
  const first = await short.runtime.invoke('renewing', 'token') as string;
  const before = renewals();
  await waitFor(() => renewals() >= before + 3, 10_000, 'three more renewals');
  const tokens = await short.runtime.invoke('renewing', 'tokens') as string[];
  assert.ok(tokens.length >= 3, `refreshApiToken was called ${tokens.length} times`);
  assert.equal(new Set(tokens).size, tokens.length, 'each renewal brings a new token');
  const current = await short.runtime.invoke('renewing', 'token') as string;
  assert.equal(current, tokens.at(-1), 'the SDK handed the newest token to the managed client');
  assert.notEqual(current, first);
  // The first token expired long ago; the managed client still gets through.
  await short.runtime.invoke('renewing', 'call', { method: 'log', args: ['info', 'still authorised'] });
  assert.ok(short.logs.has('still authorised', 'renewing'));
});

test('a client that kept an expired token gets a clear error, and the host goes on', async () => {
  const renewals = () => short.logs.lines.filter((l) => l.plugin === 'renewing' && l.msg === 'token renewed').length;
  const initial = await short.runtime.invoke('renewing', 'token') as string;
  const before = renewals();
  // Three renewals (300 ms apart) outlast the 600 ms life of the token taken above.
  await waitFor(() => renewals() >= before + 3, 10_000, 'the token to age');
  const error = await pluginCallError(short.runtime, 'renewing', 'ownClientLog', { token: initial, message: 'with an old token' });
  assert.equal(error.code, 'PADDOCK_ERR_TOKEN_EXPIRED');
  assert.match(error.message, /^plugin "renewing" presented a token that expired \d+ ms ago/);
  assert.equal(short.runtime.get('renewing')?.state, 'running');
});

test('reload revokes the old token', async () => {
  const old = await normal.runtime.invoke('alpha', 'token') as string;
  await normal.runtime.reload('alpha');
  const error = await pluginCallError(normal.runtime, 'alpha', 'withToken', old);
  assert.equal(error.code, 'PADDOCK_ERR_TOKEN_REVOKED');
  assert.equal(error.message, 'plugin "alpha" presented a revoked token (the plugin was unloaded or reloaded)');
});

test('a token is bound to its plugin: another plugin cannot use it, and a forged one is refused', async () => {
  const alphaToken = await normal.runtime.invoke('alpha', 'token') as string;
  const stolen = await pluginCallError(normal.runtime, 'beta', 'withToken', alphaToken);
  assert.equal(stolen.code, 'PADDOCK_ERR_TOKEN_INVALID');
  assert.match(stolen.message, /issued to another plugin/);
  const [prefix, body] = alphaToken.split('.');
  const claims = JSON.parse(Buffer.from(body!, 'base64url').toString()) as { sub: string; scopes: string[] };
  claims.sub = 'beta';
  claims.scopes.push('control');
  const forged = `${prefix}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.${alphaToken.split('.')[2]}`;
  const refused = await pluginCallError(normal.runtime, 'beta', 'withToken', forged);
  assert.equal(refused.code, 'PADDOCK_ERR_TOKEN_INVALID');
  assert.match(refused.message, /signature does not match/);
});

test('renewal is timed from issue: a call right after a slow load() meets a live token', async () => {
  // The start (900 ms) outlives the token issued when it began (600 ms).
  const slow = testRuntime({ tokenLifeMs: 600, tokenRenewBeforeMs: 300 });
  try {
    await slow.runtime.load({ url: './fault-probe.mjs', id: 'slow', options: { startDelayMs: 900 } });
    await slow.runtime.invoke('slow', 'log', 'right after load');
    assert.ok(slow.logs.has('right after load', 'slow'));
  } finally {
    await slow.close();
  }
});

test('every token ever issued to a plugin is refused after reload and after unload (revoked by generation)', async () => {
  // Long-lived tokens renewed every 150 ms: none expires during the test.
  const t = testRuntime({ tokenLifeMs: 60_000, tokenRenewBeforeMs: 59_850 });
  try {
    await t.runtime.load({ url: './probe.mjs', id: 'gen' });
    // Renewals that land while the plugin is starting reach the worker side, not the
    // plugin object: count what the plugin itself was handed.
    const deadline = Date.now() + 10_000;
    let handed: string[] = [];
    while ((handed = await t.runtime.invoke('gen', 'tokens') as string[]).length < 7 && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    const issued = [await t.runtime.invoke('gen', 'token') as string, ...handed];
    assert.ok(issued.length >= 8, `${issued.length} tokens collected`);
    await t.runtime.reload('gen');
    for (const token of issued) {
      const error = await pluginCallError(t.runtime, 'gen', 'withToken', token);
      assert.equal(error.code, 'PADDOCK_ERR_TOKEN_REVOKED', `token ${issued.indexOf(token)} of ${issued.length}`);
    }
    const second = await t.runtime.invoke('gen', 'token') as string;
    await t.runtime.unload('gen');
    // A new plugin under the same id is a new generation: the tokens of the old ones stay refused.
    await t.runtime.load({ url: './probe.mjs', id: 'gen' });
    for (const token of [...issued, second]) {
      const error = await pluginCallError(t.runtime, 'gen', 'withToken', token);
      assert.equal(error.code, 'PADDOCK_ERR_TOKEN_REVOKED');
    }
    await t.runtime.invoke('gen', 'call', { method: 'log', args: ['info', 'the new generation works'] });
  } finally {
    await t.close();
  }
});
