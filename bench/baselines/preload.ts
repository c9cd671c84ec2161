/**
 * What a baseline worker may load before it says it is ready, to show where a plugin
 * worker's start time and memory go: zod (which Paddock's worker loads with the SDK
 * and the wire protocol), or Paddock's module hooks on a loader thread of their own
 * (`module.register`, what Paddock does on Node < 22.15).
 */
import { register } from 'node:module';

export type Preload = 'zod' | 'hooks' | undefined;

export async function preload(what: Preload): Promise<void> {
  if (what === 'zod') await import('zod');
  else if (what === 'hooks') register(new URL('../../workers/bundle/off-thread-hooks.js', import.meta.url), { data: { aliases: {} } });
}
