/**
 * A real npm registry for the package tests: Verdaccio in a child process on 127.0.0.1
 * (see verdaccio-server.ts), with its storage in a temporary folder, and fixture
 * packages from test/fixtures/packages/ published into it with npm's own libraries
 * (pacote packs the folder, libnpmpublish publishes it). Start one per test file.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fixture } from '../helpers.js';

const require = createRequire(import.meta.url);
const STARTUP_TIMEOUT_MS = 30_000;

export interface TestRegistry {
  /** http://127.0.0.1:<port>/ */
  url: string;
  /** Requests the registry received since it started. */
  requests(): Promise<number>;
  /** A token of the registry's test user (packages under @private/ need one to be read). */
  token: string;
  /** Publish a fixture package folder (by name under test/fixtures/packages/), optionally as another name or version. */
  publish(name: string, overrides?: { version?: string; name?: string }): Promise<void>;
  /** Stop the registry (its port then refuses connections). */
  stop(): Promise<void>;
}

interface Publisher {
  publish(manifest: object, tarball: Buffer, options: object): Promise<unknown>;
}

export async function startRegistry(): Promise<TestRegistry> {
  const storage = mkdtempSync(join(tmpdir(), 'paddock-registry-'));
  const child: ChildProcess = fork(fileURLToPath(new URL('./verdaccio-server.js', import.meta.url)), [storage], {
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
  let output = '';
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString(); });
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`verdaccio did not start within ${STARTUP_TIMEOUT_MS} ms:\n${output}`)), STARTUP_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`verdaccio exited with ${code}:\n${output}`));
    });
    child.on('message', (message: { type: string; port?: number }) => {
      if (message.type !== 'listening') return;
      clearTimeout(timer);
      resolve(message.port!);
    });
  });
  const url = `http://127.0.0.1:${port}/`;

  // A user to publish as: registering answers with a token.
  const user = `tester-${randomBytes(4).toString('hex')}`;
  const signUp = await fetch(new URL(`-/user/org.couchdb.user:${user}`, url), {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: user, password: randomBytes(12).toString('hex'), email: `${user}@example.invalid` }),
  });
  const { token } = await signUp.json() as { token?: string };
  if (!token) throw new Error(`verdaccio refused to create a user: HTTP ${signUp.status}`);

  let nextId = 0;
  let stopped = false;
  return {
    url,
    token,
    requests() {
      const id = ++nextId;
      return new Promise((resolve) => {
        const listener = (message: { type: string; id: number; count: number }) => {
          if (message.type !== 'count' || message.id !== id) return;
          child.off('message', listener);
          resolve(message.count);
        };
        child.on('message', listener);
        child.send({ type: 'count', id });
      });
    },
    async publish(name, overrides = {}) {
      let dir = fixture(`packages/${name}`);
      let copy: string | undefined;
      if (overrides.version || overrides.name) {
        copy = mkdtempSync(join(tmpdir(), 'paddock-publish-'));
        cpSync(dir, copy, { recursive: true });
        const manifest = JSON.parse(readFileSync(join(copy, 'package.json'), 'utf8')) as Record<string, unknown>;
        writeFileSync(join(copy, 'package.json'), JSON.stringify({ ...manifest, ...overrides }, null, 2));
        dir = copy;
      }
      try {
        const pacote = require('pacote') as { tarball(spec: string, options: object): Promise<Buffer> };
        const { publish } = require('libnpmpublish') as Publisher;
        const manifest = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as object;
        const tarball = await pacote.tarball(`file:${dir}`, { Arborist: require('@npmcli/arborist') as unknown });
        await publish(manifest, tarball, { registry: url, forceAuth: { token }, access: 'public' });
      } finally {
        if (copy) rmSync(copy, { recursive: true, force: true });
      }
    },
    async stop() {
      if (stopped) return;
      stopped = true;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill();
      await exited;
      rmSync(storage, { recursive: true, force: true });
    },
  };
}

/** A loopback HTTP server that answers every request with `status`, counting them. */
export async function startFailingServer(status: number): Promise<{ url: string; count(): number; close(): Promise<void> }> {
  let count = 0;
  const server: Server = createServer((_req, res) => {
    count++;
    res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: 'failing on purpose' }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/`,
    count: () => count,
    close: () => new Promise<void>((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** A loopback URL nothing listens on: a port that was free a moment ago. */
export async function closedPortUrl(): Promise<string> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return `http://127.0.0.1:${port}/`;
}
