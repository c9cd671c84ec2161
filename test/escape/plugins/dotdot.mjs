// Climb out of the plugin's own data folder with "..".
import { readFileSync } from 'node:fs';
import { vector } from './_vector.mjs';
export const PupPlugin = vector('dotdot', (t, plugin) => {
  const up = plugin.config.dataDir.split('/').filter(Boolean).map(() => '..').join('/');
  return readFileSync(`${plugin.config.dataDir}/${up}${t.secretFile}`, 'utf8');
});
