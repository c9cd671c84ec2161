/**
 * `z` for plugin authors, loaded the first time a plugin touches it. zod costs a plugin
 * thread about 55 ms and 6 MB to load; most plugins import `paddock-runtime/sdk` but many never
 * validate anything, and an ESM re-export would make every one of them pay.
 *
 * The proxy forwards everything to zod's `z` (its CommonJS build, loaded synchronously);
 * schemas built with it are ordinary zod schemas.
 */
import { createRequire } from 'node:module';
import type * as Zod from 'zod';

type Z = typeof Zod.z;

let zod: Z | undefined;
function load(): Z {
  zod ??= (createRequire(import.meta.url)('zod') as typeof Zod).z;
  return zod;
}

export const z: Z = new Proxy({} as Z, {
  get: (_target, property) => Reflect.get(load(), property),
  has: (_target, property) => Reflect.has(load(), property),
  ownKeys: () => Reflect.ownKeys(load()),
  getOwnPropertyDescriptor: (_target, property) => {
    const descriptor = Reflect.getOwnPropertyDescriptor(load(), property);
    // A proxy may only report a property as non-configurable if its target has it so.
    if (descriptor) descriptor.configurable = true;
    return descriptor;
  },
});
