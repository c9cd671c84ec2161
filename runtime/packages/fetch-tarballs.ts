/**
 * Bring every tarball of a dependency tree into the content-addressed cache before
 * arborist extracts it, for two reasons:
 * - progress: packages done / total and bytes downloaded, as they stream in;
 * - refusal of tampered cache entries: a tarball already in the cache is read back and
 *   checked against its integrity first. pacote alone would quietly delete a corrupt
 *   entry and download it again; Paddock refuses it instead (`paddock add` replaces it).
 *
 * Arborist then finds every tarball in the cache by its integrity and asks the network
 * for none of them.
 */
import type { Logger } from 'pino';
import { paddockError } from '../../sdk/errors.js';
import { cacache as loadCacache, pacote as loadPacote } from './npm-libs.js';
import { cachePath } from './npm-config.js';
import type { ResolvedPackageOptions } from './options.js';
import type { InstallProgress } from './progress.js';
import { toPackageError } from './registry-errors.js';
import type { PackageSpecifier } from './specifier.js';

const CONCURRENCY = 4;
const BYTES_BETWEEN_REPORTS = 64 * 1024;

export interface TarballRef {
  name: string;
  version: string;
  resolved: string;
  integrity: string | undefined;
}

export interface FetchContext {
  spec: PackageSpecifier;
  options: ResolvedPackageOptions;
  npm: Record<string, unknown>;
  /** Set when the network may not be used, saying why (frozen, registry unreachable). */
  noNetwork: string | undefined;
  /** Replace a cache entry that fails its integrity check instead of refusing it. */
  repair: boolean;
  logger: Logger;
  onProgress: (progress: InstallProgress) => void;
}

export interface FetchReport {
  total: number;
  downloaded: number;
  bytes: number;
}

async function cachedIsIntact(ref: TarballRef & { integrity: string }, ctx: FetchContext): Promise<boolean> {
  const cacache = loadCacache();
  const cache = cachePath(ctx.options);
  if (!(await cacache.get.hasContent(cache, ref.integrity))) return false;
  try {
    // cacache checks the content against the integrity while it streams it.
    for await (const _chunk of cacache.get.stream.byDigest(cache, ref.integrity)) { /* drain */ }
    return true;
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code !== 'EINTEGRITY' && code !== 'EBADSIZE') throw error;
    const what = `the cached tarball of ${ref.name}@${ref.version}`;
    if (!ctx.repair) {
      throw paddockError('PADDOCK_ERR_INTEGRITY', {
        specifier: ctx.spec.raw,
        what,
        reason: `its content in ${cache} does not match ${ref.integrity} (the cache entry was changed or damaged); it is refused`,
      }, { cause: error });
    }
    ctx.logger.warn(`${what} does not match ${ref.integrity}; replacing it from the registry`);
    await cacache.rm.content(cache, ref.integrity);
    return false;
  }
}

export async function fetchTarballs(refs: TarballRef[], ctx: FetchContext): Promise<FetchReport> {
  const report: FetchReport = { total: refs.length, downloaded: 0, bytes: 0 };
  let done = 0;
  let reportedBytes = 0;
  const progress = (message: string) => ctx.onProgress({
    specifier: ctx.spec.raw, phase: 'fetch', done, total: refs.length, bytes: report.bytes, message,
  });
  progress(`${refs.length} package${refs.length === 1 ? '' : 's'}`);

  const one = async (ref: TarballRef) => {
    const label = `${ref.name}@${ref.version}`;
    if (ref.integrity && await cachedIsIntact({ ...ref, integrity: ref.integrity }, ctx)) {
      done++;
      progress(`${label} (cached)`);
      return;
    }
    if (ctx.noNetwork) {
      throw paddockError('PADDOCK_ERR_NOT_CACHED', { specifier: ctx.spec.raw, package: label, cacheDir: ctx.options.cacheDir, why: ctx.noNetwork });
    }
    try {
      await loadPacote().tarball.stream(`${ref.name}@${ref.resolved}`, async (stream) => {
        for await (const chunk of stream) {
          report.bytes += chunk.length;
          if (report.bytes - reportedBytes >= BYTES_BETWEEN_REPORTS) {
            reportedBytes = report.bytes;
            progress(label);
          }
        }
      }, { ...ctx.npm, resolved: ref.resolved, ...(ref.integrity ? { integrity: ref.integrity } : {}) });
    } catch (error) {
      throw toPackageError(error, { spec: ctx.spec, options: ctx.options });
    }
    report.downloaded++;
    done++;
    progress(label);
  };

  const queue = [...refs];
  let failed = false;
  const workers = Array.from({ length: Math.min(CONCURRENCY, queue.length) }, async () => {
    for (let ref = queue.shift(); ref && !failed; ref = queue.shift()) {
      await one(ref).catch((error: unknown) => {
        failed = true; // the other workers stop taking tarballs
        throw error;
      });
    }
  });
  await Promise.all(workers);
  return report;
}
