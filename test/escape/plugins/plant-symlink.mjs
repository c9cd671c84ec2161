// Plant a symbolic link in the plugin's own data folder, then follow it.
import { readFileSync, rmSync, symlinkSync } from 'node:fs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('plant-symlink', (t, plugin) => {
  const link = `${plugin.config.dataDir}/planted`;
  rmSync(link, { force: true });
  symlinkSync(t.secretFile, link);
  return readFileSync(link, 'utf8');
});
