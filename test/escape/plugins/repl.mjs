// The REPL puts every builtin in its context, loaded through its own require.
import repl from 'node:repl';
import { PassThrough } from 'node:stream';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('repl', (t) => {
  const server = repl.start({ input: new PassThrough(), output: new PassThrough(), terminal: false, prompt: '' });
  try {
    return server.context.fs.readFileSync(t.secretFile, 'utf8');
  } finally {
    server.close();
  }
});
