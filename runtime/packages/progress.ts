/**
 * Progress of a package install, reported while it runs: by the runtime as the
 * `plugin:progress` event, by `paddock add` as a progress bar.
 *
 * Phases, in order: `resolve` (ask the registry which version a range means), `fetch`
 * (tarballs into the cache: `done`/`total` packages, `bytes` downloaded), `install`
 * (extract the tree), `verify` (hash the installed files), `done`.
 */
export type InstallPhase = 'resolve' | 'fetch' | 'install' | 'verify' | 'done';

export interface InstallProgress {
  /** The npm:/jsr: specifier being installed. */
  specifier: string;
  phase: InstallPhase;
  /** Packages whose tarball is in the cache (fetch phase). */
  done?: number;
  /** Packages in the tree (fetch phase). */
  total?: number;
  /** Bytes downloaded so far (fetch phase). */
  bytes?: number;
  message?: string;
}

export type ProgressListener = (progress: InstallProgress) => void;
