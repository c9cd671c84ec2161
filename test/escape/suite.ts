/**
 * The escape suite, for one isolation tier: each vector's plugin is loaded twice,
 * once refused (default permissions, or a baseline that looks sufficient) and once
 * with the grant that should let it through. The refused run must fail with a
 * PermissionDenied naming the plugin and the permission (logged on the host, with no
 * secret in its message) and leave the host as it was; the granted run must show the
 * attack worked, so a vector cannot pass because its plugin is broken.
 */
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import type { PermissionsInput } from '../../runtime/permissions/schema.js';
import { repoRoot, testRuntime, testWorkerHost, waitFor, type TestRuntime } from '../helpers.js';
import { ENV_NAME, EscapeEnvironment } from './environment.js';
import { VECTORS, type Outcome, type Vector } from './vectors.js';

const NODE_MAJOR = Number(process.versions.node.split('.')[0]);
const CANARY = 'canary';

function outcomeOf(error: unknown): Outcome {
  const outer = error as { code?: string; cause?: unknown; message?: string };
  // An error thrown by plugin code arrives wrapped (PADDOCK_ERR_PLUGIN_THREW) with the original as cause.
  const inner = (outer.code === 'PADDOCK_ERR_PLUGIN_THREW' ? outer.cause : outer) as { code?: string; message?: string } | undefined;
  const outcome: Outcome = { ok: false, message: String(inner?.message ?? outer.message) };
  const code = inner?.code ?? outer.code;
  if (code !== undefined) outcome.code = code;
  return outcome;
}

export function escapeSuite(isolation: 'worker' | 'process'): void {
  let env: EscapeEnvironment;
  let rt: TestRuntime;

  before(async () => {
    env = await EscapeEnvironment.create();
    rt = testRuntime({ baseDir: join(repoRoot, 'test', 'escape'), limits: { startTimeoutMs: 60_000, callTimeoutMs: 30_000 } });
    await rt.runtime.load({ url: './plugins/fs-read.mjs', id: CANARY, isolation });
  });

  after(async () => {
    await rt?.close();
    await env?.close();
  });

  async function load(vector: Vector, id: string, permissions: PermissionsInput | undefined): Promise<Outcome | undefined> {
    try {
      await rt.runtime.load({ url: vector.url ?? `./plugins/${vector.name}.mjs`, id, isolation, ...(permissions ? { permissions } : {}) });
      return undefined;
    } catch (error) {
      return outcomeOf(error);
    }
  }

  /** Run the loaded plugin's attack (or report why it did not load), then unload it. */
  async function attack(id: string, loading: Promise<Outcome | undefined>): Promise<Outcome> {
    const failedLoad = await loading;
    if (failedLoad) return failedLoad;
    try {
      // The static-import vector's module exports the secret module's value from `attack` too.
      return { ok: true, value: await rt.runtime.invoke(id, 'attack', env.target) };
    } catch (error) {
      return outcomeOf(error);
    } finally {
      await rt.runtime.unload(id);
    }
  }

  // Worker plugins in a plugin-host process (PADDOCK_TEST_WORKER_HOST=plugin-host): not in this process.
  const hosted = isolation === 'worker' && testWorkerHost() === 'plugin-host';

  async function assertRefused(vector: Vector, id: string, outcome: Outcome): Promise<void> {
    const hostedRefused = hosted ? vector.inPluginHost?.refused : undefined;
    if (hostedRefused) {
      assert.ok(hostedRefused(outcome), `${vector.name}: refused run in the plugin-host process should have reached nothing, got ${JSON.stringify(outcome)}`);
    } else if (vector.refused) {
      assert.ok(vector.refused(outcome, env), `${vector.name}: refused run should have seen nothing, got ${JSON.stringify(outcome)}`);
    } else {
      const expected = vector.atLoad ? 'PADDOCK_ERR_PLUGIN_IMPORT' : 'PADDOCK_ERR_PERMISSION_DENIED';
      assert.equal(outcome.ok, false, `${vector.name}: expected a refusal, the attack returned ${JSON.stringify(outcome.value)}`);
      assert.equal(outcome.code, expected, `${vector.name}: ${outcome.message}`);
      assert.match(outcome.message!, new RegExp(`plugin "${id}" needs \\w+ access to `));
      assert.ok(outcome.message!.includes(`permissions.${vector.permission}`), `${vector.name}: the denial should name permissions.${vector.permission}: ${outcome.message}`);
      await waitFor(() => rt.logs.has(/^permission denied: /, id), 10_000, `the host to log ${id}'s denial`);
    }
    assert.ok(!String(outcome.message ?? '').includes(env.secret), `${vector.name}: the secret leaked into an error message`);
    // The host is unharmed: nothing written, nothing received, the environment intact, the others running.
    if (vector.artifact) assert.equal(existsSync(vector.artifact(env)), false, `${vector.name}: the refused run left ${vector.artifact(env)}`);
    assert.ok(!env.httpHits.includes(`/v/${vector.name}`), `${vector.name}: the refused run reached the HTTP listener`);
    if (vector.received) assert.equal(vector.received(env), false, `${vector.name}: the refused run reached the host`);
    assert.equal(process.env[ENV_NAME], env.secret);
    assert.equal(await rt.runtime.invoke(CANARY, 'ping'), 'pong');
  }

  async function assertGranted(vector: Vector, outcome: Outcome): Promise<void> {
    const expectation = isolation === 'process' ? vector.processGranted?.(NODE_MAJOR) : hosted ? vector.inPluginHost?.granted : undefined;
    if (expectation === 'node-denies') {
      // Paddock's gate let it through; Node's own permission model refuses it in a child process.
      assert.equal(outcome.code, 'ERR_ACCESS_DENIED', `${vector.name}: expected Node's permission model to refuse, got ${JSON.stringify(outcome)}`);
    } else if (expectation === 'isolated') {
      // Allowed, and run, but what it reaches for lives in the host (application) process, not the plugin's.
      assert.equal(outcome.ok, true, `${vector.name}: the granted run failed: ${outcome.message}`);
      assert.ok(!String(outcome.value).includes(env.secret), `${vector.name}: reached the host from another process`);
      if (vector.received) assert.equal(vector.received(env), false, `${vector.name}: reached the host from another process`);
    } else {
      assert.ok(await vector.escaped(outcome, env), `${vector.name}: the granted run should work, got ${JSON.stringify(outcome)}`);
    }
  }

  // A few vectors at a time: each loads two plugins; the checks above are per vector.
  describe(`escape suite (${isolation} isolation, Node ${NODE_MAJOR})`, { concurrency: 3 }, () => {
    for (const vector of VECTORS) {
      test(`${vector.name}: ${vector.route}`, async () => {
        const refusedId = `${vector.name}-refused`;
        const grantedId = `${vector.name}-granted`;
        // Loading is the slow part: the granted plugin loads while the refused one is tried.
        const grantedLoad = load(vector, grantedId, vector.grant(env));
        try {
          const refused = await attack(refusedId, load(vector, refusedId, vector.baseline?.(env)));
          await assertRefused(vector, refusedId, refused);
        } finally {
          await grantedLoad;
        }
        await assertGranted(vector, await attack(grantedId, grantedLoad));
      });
    }
  });
}
