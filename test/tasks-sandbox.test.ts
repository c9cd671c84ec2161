/** Task threads run under the same permissions as the plugin's own worker (or process: `isolation: "process"`). */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { isPaddockError, type PaddockError } from '../runtime/index.js';
import { tempDir, testRuntime, waitFor, type TestRuntime } from './helpers.js';

let t: TestRuntime;
let secret: string;

before(async () => {
  t = testRuntime();
  const dir = tempDir('paddock-task-sandbox-');
  secret = join(dir, 'secret.txt');
  writeFileSync(secret, 'the secret');
  await t.runtime.load({ url: './tasks-plugin.ts', id: 'denied' });
  await t.runtime.load({ url: './tasks-plugin.ts', id: 'granted', permissions: { read: [dir] } });
  // Their tasks run in a task process under the plugin's permission flags (and OS wall).
  await t.runtime.load({ url: './tasks-plugin.ts', id: 'denied-process', isolation: 'process' });
  await t.runtime.load({ url: './tasks-plugin.ts', id: 'granted-process', isolation: 'process', permissions: { read: [dir] } });
});
after(() => t.close());

for (const [denied, granted] of [['denied', 'granted'], ['denied-process', 'granted-process']] as const) {
  test(`a task of a plugin without the read grant is denied, names the permission, and is reported in the host log (${denied})`, async () => {
    const error = await t.runtime.runTask(denied, 'readFile', { path: secret }).then(() => undefined, (e: unknown) => e);
    assert.ok(isPaddockError(error), String(error));
    const cause = (error as PaddockError).cause as PaddockError | undefined;
    const denial = (error as PaddockError).code === 'PADDOCK_ERR_PERMISSION_DENIED' ? error as PaddockError : cause;
    assert.equal(denial?.code, 'PADDOCK_ERR_PERMISSION_DENIED', (error as Error).message);
    assert.match(denial!.message, new RegExp(`plugin "${denied}" needs read access to ".*secret\\.txt" \\(grant permissions\\.read`));
    assert.ok(!(error as Error).message.includes('the secret'));
    await waitFor(() => t.logs.has(/permission denied in a task thread: read access to .*secret\.txt/, denied), 5000, 'the denial in the host log');
  });

  test(`the same task reads the file when the plugin is granted it (${granted})`, async () => {
    assert.equal(await t.runtime.runTask(granted, 'readFile', { path: secret }), 'the secret');
  });
}
