/**
 * The far side of a comlink link, as Paddock's own code sees it: each method of T, called
 * across the port, returns a promise. Declared here rather than imported from comlink so
 * the published .d.ts files never reference comlink's typings, which need the DOM lib
 * (a Node-only `lib: ["ES2023"]` project without skipLibCheck would fail on them).
 * Values come from comlink's wrap() and are cast to this type where they are made.
 */
export type Remote<T> = {
  readonly [K in keyof T]: T[K] extends (...args: infer A) => infer R ? (...args: A) => Promise<Awaited<R>> : never;
};
