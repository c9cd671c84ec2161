/**
 * `sys` covers every route to host information (workers/gates/sys-routes.ts): each is
 * refused to a plugin with default permissions, with a denial that names the route and
 * the kind to grant, and answers once its kind (and only its kind) is granted.
 */
import assert from 'node:assert/strict';
import { getPriority } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, test } from 'node:test';
import { SYS_KINDS } from '../../sdk/kernel/sandbox-data.js';
import { SYS_ROUTES } from '../../workers/gates/sys-routes.js';
import { repoRoot, testRuntime, type TestRuntime } from '../helpers.js';

const OPEN_ROUTES = ['os.arch', 'os.availableParallelism', 'process.threadCpuUsage'];
const kinds = [...new Set(Object.values(SYS_ROUTES))];

describe('sys: every host-information route', () => {
  let rt: TestRuntime;
  const call = (id: string, route: string) => rt.runtime.invoke(id, 'call', { route, arg: getPriority() });

  before(async () => {
    rt = testRuntime({ baseDir: join(repoRoot, 'test', 'escape'), limits: { startTimeoutMs: 60_000 } });
    await rt.runtime.load({ url: './plugins/sys-route.mjs', id: 'sys-none' });
    for (const kind of kinds) await rt.runtime.load({ url: './plugins/sys-route.mjs', id: `sys-${kind}`, permissions: { sys: [kind as never] } });
  });
  after(() => rt?.close());

  test('the plugin knows every route of the table, and the kinds are Deno-style sys kinds', async () => {
    const routes = await rt.runtime.invoke('sys-none', 'routes') as string[];
    for (const route of Object.keys(SYS_ROUTES)) assert.ok(routes.includes(route), `sys-route.mjs does not call ${route}`);
    for (const kind of kinds) assert.ok((SYS_KINDS as readonly string[]).includes(kind), `${kind} is not in SYS_KINDS`);
  });

  for (const [route, kind] of Object.entries(SYS_ROUTES)) {
    test(`${route} needs sys ["${kind}"]`, async () => {
      const granted = await call(`sys-${kind}`, route) as { missing?: boolean } | unknown;
      if (typeof granted === 'object' && granted !== null && (granted as { missing?: boolean }).missing) return; // not on this Node line
      assert.notEqual(granted, undefined);
      await assert.rejects(call('sys-none', route), (error: Error & { code?: string; cause?: { code?: string; message?: string } }) => {
        const inner = error.cause ?? error;
        assert.equal(inner.code, 'PADDOCK_ERR_PERMISSION_DENIED');
        assert.ok(inner.message!.includes(`needs sys access to "${route}"`), inner.message);
        assert.ok(inner.message!.includes(`permissions.sys: ["${kind}"]`), inner.message);
        return true;
      });
      // Another kind does not open it.
      const other = kinds.find((k) => k !== kind)!;
      await assert.rejects(call(`sys-${other}`, route), /PADDOCK_ERR_PERMISSION_DENIED|needs sys access/);
    });
  }

  test('platform facts and the plugin\'s own thread stay open', async () => {
    for (const route of OPEN_ROUTES) {
      const value = await call('sys-none', route);
      assert.notEqual(value, undefined, route);
    }
  });
});
