/**
 * A minimal npm registry on 127.0.0.1 serving the benchmark's own fixture packages
 * (packument and tarball, with sha512 integrity), so the "cached npm: plugin" case
 * can fill its cache once without the public registry. Measured loads run with the
 * server stopped and the runtime frozen: they must come from the cache.
 */
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';

interface Packed {
  name: string;
  version: string;
  tarball: Buffer;
  manifest: Record<string, unknown>;
}

/** `npm pack` a fixture folder into `outDir`. */
export function packFolder(folder: string, outDir: string): Packed {
  const result = spawnSync('npm', ['pack', folder, '--json', '--pack-destination', outDir], { encoding: 'utf8', shell: process.platform === 'win32' });
  if (result.status !== 0) throw new Error(`npm pack ${folder} failed: ${result.stderr}`);
  const [info] = JSON.parse(result.stdout) as Array<{ filename: string }>;
  const manifest = JSON.parse(readFileSync(join(folder, 'package.json'), 'utf8')) as Record<string, unknown>;
  return { name: String(manifest.name), version: String(manifest.version), tarball: readFileSync(join(outDir, info!.filename)), manifest };
}

export interface MiniRegistry {
  url: string;
  close(): Promise<void>;
}

export async function startMiniRegistry(packages: Packed[]): Promise<MiniRegistry> {
  let base = '';
  const byName = new Map(packages.map((p) => [p.name, p]));
  const server: Server = createServer((request, response) => {
    const path = decodeURIComponent((request.url ?? '/').split('?')[0]!).slice(1);
    const tarball = /^-\/tarballs\/(.+)\/-\/[^/]+\.tgz$/.exec(path);
    if (tarball) {
      const pkg = byName.get(tarball[1]!);
      if (!pkg) return void response.writeHead(404).end();
      response.writeHead(200, { 'content-type': 'application/octet-stream', 'content-length': pkg.tarball.length });
      return void response.end(pkg.tarball);
    }
    const pkg = byName.get(path);
    if (!pkg) return void response.writeHead(404, { 'content-type': 'application/json' }).end('{"error":"not found"}');
    const file = `${pkg.name.split('/').pop()}-${pkg.version}.tgz`;
    const packument = {
      name: pkg.name,
      'dist-tags': { latest: pkg.version },
      versions: {
        [pkg.version]: {
          ...pkg.manifest,
          _id: `${pkg.name}@${pkg.version}`,
          dist: {
            tarball: `${base}-/tarballs/${pkg.name}/-/${file}`,
            integrity: `sha512-${createHash('sha512').update(pkg.tarball).digest('base64')}`,
            shasum: createHash('sha1').update(pkg.tarball).digest('hex'),
          },
        },
      },
      time: { [pkg.version]: new Date(0).toISOString() },
    };
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(packument));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}/`;
  return {
    url: base,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}
