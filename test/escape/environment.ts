/**
 * What the escape plugins attack: secrets in files, the environment and worker
 * environment data, a folder to write into, a host file descriptor, loopback HTTP
 * and UDP listeners that record what reaches them, a BroadcastChannel of the host.
 * Everything is created fresh in temp folders and removed by close().
 */
import { randomUUID } from 'node:crypto';
import { createSocket, type Socket } from 'node:dgram';
import { closeSync, fstatSync, mkdirSync, openSync, readdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createServer as createNetServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { BroadcastChannel, setEnvironmentData } from 'node:worker_threads';
import { repoRoot, tempDir } from '../helpers.js';

/** Plain data handed to every attack. */
export interface EscapeTarget {
  secretDir: string;
  secretFile: string;
  secretUrl: string;
  secretJsonUrl: string;
  secretEnvFile: string;
  secretIno: number;
  linkDir: string;
  outsideDir: string;
  nativeFile: string;
  hostFd: number;
  hostPid: number;
  nodePath: string;
  httpPort: number;
  udpPort: number;
  envName: string;
  environmentDataKey: string;
  broadcastName: string;
  /** A listening TCP socket of the host that nothing else uses (a plugin may wrap and close it). */
  spareSocketFd: number;
  /** A Unix socket HTTP listener of the host (answers "UNIX <url>"). */
  unixSocketPath: string;
  /**
   * A package the plugins' own node_modules links to, outside their folder: its
   * package.json names the secret as its `main` (a file that does not exist).
   */
  linkedPackage: string;
  linkedPackageDir: string;
}

export const ENV_NAME = 'PADDOCK_ESCAPE_SECRET';
const ENVIRONMENT_DATA_KEY = 'paddock-escape-secret';

export class EscapeEnvironment {
  readonly secret = `TOP-SECRET-${randomUUID()}`;
  readonly httpHits: string[] = [];
  readonly udpMessages: string[] = [];
  readonly broadcasts: unknown[] = [];
  readonly unixHits: string[] = [];
  /** The folder outside the plugins' own that the static-import plugin reaches for. */
  readonly repoOutsideDir = join(repoRoot, 'test', 'escape', 'outside');
  target!: EscapeTarget;
  readonly #dirs: string[] = [];
  #server!: Server;
  #unixServer!: Server;
  #udp!: Socket;
  #channel!: BroadcastChannel;
  #fd = -1;
  #previousEnv: string | undefined;
  #packageLink = '';

  static async create(): Promise<EscapeEnvironment> {
    const env = new EscapeEnvironment();
    await env.#setUp();
    return env;
  }

  async #setUp(): Promise<void> {
    const secretDir = this.#dir('paddock-escape-secret-');
    const linkDir = this.#dir('paddock-escape-links-');
    const outsideDir = this.#dir('paddock-escape-outside-');
    const nativeDir = this.#dir('paddock-escape-native-');
    const secretFile = join(secretDir, 'secret.txt');
    writeFileSync(secretFile, this.secret);
    writeFileSync(join(secretDir, 'secret.json'), JSON.stringify({ secret: this.secret }));
    // Valid for process.loadEnvFile, a syntax error for require() (the "@" ends the line).
    writeFileSync(join(secretDir, '.env'), `SECRET_FROM_FILE=${this.secret} @\n`);
    symlinkSync(secretFile, join(linkDir, 'link-to-secret'));
    const linkedPackageDir = this.#dir('paddock-escape-package-');
    const linkedPackage = `escape-outside-${randomUUID().slice(0, 8)}`;
    writeFileSync(join(linkedPackageDir, 'package.json'), JSON.stringify({ name: linkedPackage, main: `${this.secret}.js` }));
    const pluginModules = join(repoRoot, 'test', 'escape', 'plugins', 'node_modules');
    mkdirSync(pluginModules, { recursive: true });
    this.#packageLink = join(pluginModules, linkedPackage);
    symlinkSync(linkedPackageDir, this.#packageLink);
    const nativeFile = join(nativeDir, 'fake.node');
    writeFileSync(nativeFile, 'not a shared library');
    this.#fd = openSync(secretFile, 'r');

    this.#previousEnv = process.env[ENV_NAME];
    process.env[ENV_NAME] = this.secret;
    // Copied into every worker started from now on.
    setEnvironmentData(ENVIRONMENT_DATA_KEY, this.secret);

    this.#server = createServer((request, response) => {
      this.httpHits.push(request.url ?? '');
      response.end(`PONG ${request.url}`);
    });
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.#udp = createSocket('udp4');
    this.#udp.on('message', (message) => this.udpMessages.push(message.toString('utf8')));
    await new Promise<void>((resolve) => this.#udp.bind(0, '127.0.0.1', resolve));
    const socketDir = this.#dir('paddock-escape-sockets-');
    const unixSocketPath = join(socketDir, 'http.sock');
    this.#unixServer = createServer((request, response) => {
      this.unixHits.push(request.url ?? '');
      response.end(`UNIX ${request.url}`);
    });
    await new Promise<void>((resolve) => this.#unixServer.listen(unixSocketPath, resolve));
    // Never closed by the host: a granted plugin wraps its descriptor, and closes it with its thread.
    const spare = createNetServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    spare.unref();
    const spareSocketFd = (spare as unknown as { _handle: { fd: number } })._handle.fd;
    const broadcastName = `paddock-escape-${randomUUID()}`;
    this.#channel = new BroadcastChannel(broadcastName);
    this.#channel.onmessage = (event: unknown) => this.broadcasts.push((event as { data: unknown }).data);

    this.target = {
      secretDir,
      secretFile,
      secretUrl: pathToFileURL(secretFile).href,
      secretJsonUrl: pathToFileURL(join(secretDir, 'secret.json')).href,
      secretEnvFile: join(secretDir, '.env'),
      secretIno: fstatSync(this.#fd).ino,
      linkDir,
      outsideDir,
      nativeFile,
      hostFd: this.#fd,
      hostPid: process.pid,
      nodePath: process.execPath,
      httpPort: (this.#server.address() as AddressInfo).port,
      udpPort: (this.#udp.address() as AddressInfo).port,
      envName: ENV_NAME,
      environmentDataKey: ENVIRONMENT_DATA_KEY,
      broadcastName,
      spareSocketFd,
      unixSocketPath,
      linkedPackage,
      linkedPackageDir,
    };
  }

  #dir(prefix: string): string {
    const dir = tempDir(prefix);
    this.#dirs.push(dir);
    return dir;
  }

  /** Files in the folder no plugin may write to by default. */
  outsideFiles(): string[] {
    return readdirSync(this.target.outsideDir);
  }

  clearOutside(): void {
    for (const name of this.outsideFiles()) rmSync(join(this.target.outsideDir, name), { force: true });
  }

  /** Resolves when the UDP listener has received `text` (bounded). */
  waitForUdp(text: string, ms = 5_000): Promise<void> {
    return waitUntil(() => this.udpMessages.includes(text), ms, `UDP message ${text}`);
  }

  waitForBroadcast(data: unknown, ms = 5_000): Promise<void> {
    return waitUntil(() => this.broadcasts.includes(data), ms, `broadcast ${String(data)}`);
  }

  async close(): Promise<void> {
    this.#channel.close();
    this.#udp.close();
    await new Promise<void>((resolve) => this.#server.close(() => resolve()));
    await new Promise<void>((resolve) => this.#unixServer.close(() => resolve()));
    closeSync(this.#fd);
    if (this.#previousEnv === undefined) delete process.env[ENV_NAME];
    else process.env[ENV_NAME] = this.#previousEnv;
    setEnvironmentData(ENVIRONMENT_DATA_KEY, undefined);
    for (const dir of this.#dirs) rmSync(dir, { recursive: true, force: true });
    if (this.#packageLink) rmSync(this.#packageLink, { force: true });
  }
}

/** Wait for a condition that an event elsewhere makes true (checked each 10 ms, bounded). */
function waitUntil(predicate: () => boolean, ms: number, what: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const deadline = Date.now() + ms;
    const check = () => {
      if (predicate()) return resolve();
      if (Date.now() > deadline) return reject(new Error(`timed out after ${ms} ms waiting for ${what}`));
      setTimeout(check, 10);
    };
    check();
  });
}
