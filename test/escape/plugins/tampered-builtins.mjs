// Replace the built-ins a permission check might use, then read: a check that asks
// String.prototype.startsWith, path.resolve, process.cwd or URL getters for its
// answer would be answered by the attacker. (Put back afterwards, so that the
// plugin's own SDK can still send the answer.)
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { vector } from './_vector.mjs';

function tamper(dataDir) {
  const saved = [];
  const replace = (target, key, value) => {
    const descriptor = Object.getOwnPropertyDescriptor(target, key);
    // Under Node's permission model (process isolation) path's functions are locked.
    if (descriptor && !descriptor.configurable) return;
    saved.push([target, key, descriptor]);
    Object.defineProperty(target, key, { value, configurable: true, writable: true });
  };
  replace(String.prototype, 'startsWith', () => true);
  replace(String.prototype, 'includes', () => true);
  replace(Array.prototype, Symbol.iterator, function* () {});
  replace(RegExp.prototype, 'exec', () => null);
  replace(Reflect, 'apply', () => undefined);
  replace(JSON, 'stringify', () => '""');
  replace(path, 'resolve', () => dataDir);
  replace(process, 'cwd', () => dataDir);
  saved.push([URL.prototype, 'href', Object.getOwnPropertyDescriptor(URL.prototype, 'href')]);
  Object.defineProperty(URL.prototype, 'href', { get: () => `file://${dataDir}/x`, configurable: true });
  // An index loop: the array iterator is one of the things replaced.
  return () => {
    for (let i = saved.length - 1; i >= 0; i--) Object.defineProperty(saved[i][0], saved[i][1], saved[i][2]);
  };
}

export const PupPlugin = vector('tampered-builtins', (t, plugin) => {
  const restore = tamper(plugin.config.dataDir);
  try {
    return readFileSync(t.secretFile, 'utf8');
  } finally {
    restore();
  }
});
