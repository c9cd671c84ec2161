// A data: module is code the plugin wrote itself: its imports are still gated.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('data-url-import', async (t) => {
  const source = `import { readFileSync } from "node:fs"; export default readFileSync(${JSON.stringify(t.secretFile)}, "utf8");`;
  return (await import(`data:text/javascript,${encodeURIComponent(source)}`)).default;
});
