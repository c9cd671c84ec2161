// node:test's run() starts a Node process per test file.
import { run } from 'node:test';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('test-runner', async () => {
  const results = [];
  for await (const event of run({ files: [new URL('./test-runner-body.mjs', import.meta.url).pathname], concurrency: 1 })) {
    const error = event.data?.details?.error;
    const cause = error?.cause ?? error;
    if (cause?.code === 'PADDOCK_ERR_PERMISSION_DENIED') throw cause;
    if (event.type === 'test:pass' || event.type === 'test:fail') results.push(`${event.type} ${event.data.name}`);
  }
  return results.join(', ');
});
