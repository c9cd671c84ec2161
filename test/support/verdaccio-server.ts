/**
 * A Verdaccio registry for the tests, run in a child process by test/support/registry.ts:
 * loopback only, a random free port, storage in the folder given as argv[2], and no
 * uplinks, so it never forwards a request to another registry. It counts the requests
 * it receives and tells the parent over IPC.
 *
 *   parent ──fork──▶ this process ──{ type: 'listening', port }──▶ parent
 *   parent ──{ type: 'count', id }──▶ this process ──{ type: 'count', id, count }──▶ parent
 */
import { join } from 'node:path';
import { runServer } from 'verdaccio';

const storage = process.argv[2];
if (!storage || !process.send) throw new Error('usage: fork(verdaccio-server.js, [storageDir]) with an IPC channel');

const server = await runServer({
  self_path: storage,
  storage: join(storage, 'packages'),
  auth: { htpasswd: { file: join(storage, 'htpasswd'), max_users: 100 } },
  uplinks: {},
  packages: {
    // Readable with a token only: for the tests of registry authentication.
    '@private/*': { access: '$authenticated', publish: '$authenticated', unpublish: '$authenticated' },
    '@*/*': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
    '**': { access: '$all', publish: '$authenticated', unpublish: '$authenticated' },
  },
  web: { enable: false },
  log: { type: 'stdout', format: 'pretty', level: 'error' },
} as never) as import('node:http').Server;

let count = 0;
server.on('request', () => {
  count++;
});
process.on('message', (message: { type: string; id: number }) => {
  if (message?.type === 'count') process.send!({ type: 'count', id: message.id, count });
});
process.on('disconnect', () => process.exit(0));
server.listen(0, '127.0.0.1', () => {
  const address = server.address() as import('node:net').AddressInfo;
  process.send!({ type: 'listening', port: address.port });
});
