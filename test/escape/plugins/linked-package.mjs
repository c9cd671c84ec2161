// A symbolic link the plugin's own node_modules carries to a package outside its folder:
// Node reads that package.json while it resolves the name, and its error names the
// `main` it found there.
import { vector } from './_vector.mjs';
export const PupPlugin = vector('linked-package', async (t) => {
  try {
    await import(t.linkedPackage);
    return 'imported';
  } catch (error) {
    return `${error.code}: ${error.message}`;
  }
});
