/** The process host's config: Paddock's config plus `processes`, every mistake named by its path. */
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { ProcessHost } from '../../runtime/pup/host.js';
import { createHostLogger } from '../../runtime/pup/logger.js';
import { isPaddockError } from '../../runtime/index.js';
import { folderWith } from './helpers.js';

test('a config file with several mistakes is refused with each one and its path', async (t) => {
  const folder = folderWith({});
  t.after(folder.remove);
  const file = join(folder.dir, 'pup.jsonc');
  writeFileSync(file, `{
    // comments are fine
    "processes": [
      { "id": "all", "cmd": "true" },
      { "id": "web", "cmd": [], "restart": "sometimes", "autostart": "yes" },
      { "id": "web", "cmd": "true", "restartDelayMs": -1 },
    ],
    "plugins": [{ "url": "" }],
  }`);
  await assert.rejects(ProcessHost.fromFile(file, { logger: createHostLogger({ level: 'silent' }) }), (error: unknown) => {
    assert.ok(isPaddockError(error, 'PADDOCK_ERR_CONFIG_INVALID'));
    const problems = error.message.split('\n').slice(1);
    assert.deepEqual(problems, [
      '  - plugins[0].url: expected a plugin url such as "file:///abs/plugin.ts", "./plugin.js", "npm:pkg@1" or "jsr:@scope/pkg@1"',
      '  - processes[0].id: "all" is reserved: it means every process',
      '  - processes[1].cmd: expected [program, ...args]',
      '  - processes[1].autostart: Invalid input: expected boolean, received string',
      '  - processes[1].restart: Invalid option: expected one of "always"|"error"|"never"',
      '  - processes[2].restartDelayMs: Too small: expected number to be >=0',
    ]);
    return true;
  });
});

test('duplicate process ids are named once the rest is valid', async (t) => {
  const folder = folderWith({ 'pup.json': JSON.stringify({ plugins: [], processes: [{ id: 'a', cmd: 'true' }, { id: 'b', cmd: 'true' }, { id: 'a', cmd: 'true' }] }) });
  t.after(folder.remove);
  await assert.rejects(ProcessHost.fromFile(join(folder.dir, 'pup.json'), { logger: createHostLogger({ level: 'silent' }) }),
    /processes\[2\]\.id: duplicate process id "a" \(also processes\[0\]\.id\)/);
});
