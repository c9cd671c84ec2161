// A heap snapshot is a file written wherever the plugin says.
import v8 from 'node:v8';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('heap-snapshot', (t) => {
  v8.writeHeapSnapshot(`${t.outsideDir}/snapshot.heapsnapshot`);
  return 'snapshot written';
});
