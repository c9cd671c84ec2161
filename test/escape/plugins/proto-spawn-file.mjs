// ChildProcess#spawn with a `file` inherited from Object.prototype (a getter that is
// empty for the gate's first look and names node after): the inherited program must
// not start. Then the same spawn with the plugin's own `file`, which needs the grant.
import { ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { vector } from './_vector.mjs';

function start(options) {
  return new Promise((resolve, reject) => {
    const child = new ChildProcess();
    child.once('exit', (code) => resolve(code));
    child.once('error', reject);
    child.spawn(options);
  });
}

export const PupPlugin = vector('proto-spawn-file', async (t) => {
  const artifact = join(t.outsideDir, 'proto-spawn-file-ran');
  const args = [t.nodePath, '-e', `require('fs').writeFileSync(${JSON.stringify(artifact)}, 'x')`];
  let reads = 0;
  Object.defineProperty(Object.prototype, 'file', { configurable: true, get: () => (reads++ === 0 ? undefined : t.nodePath) });
  let inherited;
  try {
    inherited = `exited ${await start({ args, envPairs: [], stdio: ['ignore', 'ignore', 'ignore'] })}`;
  } catch (error) {
    inherited = `refused (${error.code})`;
  } finally {
    delete Object.prototype.file;
  }
  const own = await start({ file: t.nodePath, args: [t.nodePath, '-e', 'process.exit(42)'], envPairs: [], stdio: ['ignore', 'ignore', 'ignore'] });
  return `inherited: ${inherited}; own: exited ${own}`;
});
