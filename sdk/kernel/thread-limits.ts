/**
 * The heap and stack limits a thread gets (Worker `resourceLimits`), copied from a set of
 * limits with only the fields that are set: Node treats a present-but-undefined field
 * differently from an absent one on some lines, so none is passed.
 */
export const THREAD_LIMIT_KEYS = ['maxOldGenerationSizeMb', 'maxYoungGenerationSizeMb', 'stackSizeMb'] as const;

export type ThreadLimits = { [K in (typeof THREAD_LIMIT_KEYS)[number]]?: number };

export function threadLimits(limits: { readonly [K in (typeof THREAD_LIMIT_KEYS)[number]]?: number | undefined }): ThreadLimits {
  const out: ThreadLimits = {};
  for (const key of THREAD_LIMIT_KEYS) {
    const value = limits[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}
