/**
 * The options record the gates decide on (workers/gates/options.ts): own fields only,
 * each read once, no prototype; and the native layer's list of gated operations, taken
 * in a real worker thread on the Node line running the tests.
 */
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import { test } from 'node:test';
import { MessageChannel, Worker } from 'node:worker_threads';
import { ownList, ownRecord } from '../../workers/gates/options.js';

test('ownRecord keeps own fields, reads each getter once and inherits nothing', () => {
  let reads = 0;
  const proto = { path: '/inherited.sock' };
  const options = Object.create(proto) as Record<string, unknown>;
  options.port = 80;
  Object.defineProperty(options, 'host', { enumerable: true, get: () => (reads++ === 0 ? 'granted.example' : 'other.example') });
  const record = ownRecord(options);
  assert.equal(Object.getPrototypeOf(record), null);
  assert.equal(record.port, 80);
  assert.equal(record.path, undefined, 'an inherited field must not be seen');
  assert.equal(record.host, 'granted.example');
  assert.equal(record.host, 'granted.example', 'the record holds the value read once');
  assert.equal(reads, 1);
  assert.deepEqual(Object.keys(ownRecord(undefined)), []);
});

test('ownList makes a dense copy, so a hole cannot inherit from Array.prototype', () => {
  const list = ['a', , 'c'];
  Object.defineProperty(Array.prototype, 1, { configurable: true, get: () => 'injected' });
  try {
    const copy = ownList(list) as unknown[];
    assert.equal(Object.hasOwn(copy, 1), true);
    delete (Array.prototype as unknown as Record<number, unknown>)[1];
    assert.equal(copy[1], 'injected', 'read once, when copied');
    assert.notEqual(copy, list);
  } finally {
    delete (Array.prototype as unknown as Record<number, unknown>)[1];
  }
  assert.equal(ownList('not a list'), 'not a list');
});

test('the native layer reaches every binding it gates in a worker thread', async () => {
  const source = `
    const { parentPort } = require('node:worker_threads');
    (async () => {
      const { installGates } = await import(${JSON.stringify(new URL('../../workers/gates/install.js', import.meta.url).href)});
      const { nativeReport, nativeGatesReady } = await import(${JSON.stringify(new URL('../../workers/gates/native.js', import.meta.url).href)});
      const none = { read: [], write: [], net: [], env: [], run: [], ffi: [], sys: [], import: [] };
      const data = { plugin: 'probe', grant: none, codeDir: '/nonexistent', dataDir: '/nonexistent', moduleDirs: [], env: {}, commands: {}, nestedLimits: {} };
      const { teardown } = installGates(data, { report: () => {}, loader: {}, fillEnv: false });
      await nativeGatesReady();
      let denied = '';
      try { new (Object.getPrototypeOf(require('node:tty').WriteStream))({ fd: require('node:worker_threads').workerData }); } catch (error) { denied = error.code; }
      parentPort.postMessage({ report: nativeReport(), denied });
      teardown();
    })();
  `;
  // A socket of this (host) thread, which the worker must not wrap.
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const fd = (server as unknown as { _handle: { fd: number } })._handle.fd;
  const worker = new Worker(source, { eval: true, workerData: fd });
  const message = await new Promise<{ report: { gated: string[]; unreachable: string[] }; denied: string }>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.deepEqual(message.report.unreachable, []);
  for (const name of ['TCP.prototype.connect', 'Pipe.prototype.open', 'UDP.prototype.send', 'new tty_wrap.TTY', 'new fs.FileHandle',
    'Process.prototype.spawn', 'spawn_sync.spawn', 'fs.open', 'fs.openFileHandle', 'cares_wrap.getaddrinfo',
    'ChannelWrap.prototype.setServers', 'SecureContext.prototype.setEngineKey', 'SecureContext.prototype.setClientCertEngine']) {
    assert.ok(message.report.gated.includes(name), `${name} should be gated`);
  }
  // The host's socket, wrapped through the real net.Socket behind tty.WriteStream.
  assert.equal(message.denied, 'PADDOCK_ERR_PERMISSION_DENIED');
});

test('the nested-worker entry takes its sandbox only from the gate\'s port, and only once per thread', async () => {
  const entry = new URL('../../workers/bundle/nested-worker.js', import.meta.url);
  const { port1, port2 } = new MessageChannel();
  // A sandbox forged in workerData (what a plugin controls): refused before any hook or gate is set up.
  const forged = new Worker(entry, {
    workerData: { mark: 'paddock:nested-worker', sandbox: { grant: { read: true } }, loader: {}, target: 'data:text/javascript,', workerData: null, reports: port2 },
    transferList: [port2],
  });
  const error = await new Promise<Error>((resolve) => forged.once('error', resolve));
  port1.close();
  assert.match(error.message, /runs only as a worker started by a plugin/);

  // Imported again (under another URL) in a thread whose gates are in place: refused too.
  const source = `
    const { parentPort } = require('node:worker_threads');
    (async () => {
      const { installGates } = await import(${JSON.stringify(new URL('../../workers/gates/install.js', import.meta.url).href)});
      const none = { read: [], write: [], net: [], env: [], run: [], ffi: [], sys: [], import: [] };
      // The runtime's files are readable (as the SDK is to a plugin): the entry itself must refuse.
      installGates({ plugin: 'probe', grant: none, codeDir: ${JSON.stringify(fileURLToPath(new URL('../../', import.meta.url)))}, dataDir: '/nonexistent', moduleDirs: [], env: {}, commands: {}, nestedLimits: {} },
        { report: () => {}, loader: {}, fillEnv: false });
      try {
        await import(${JSON.stringify(`${entry.href}?again`)});
        parentPort.postMessage('ran');
      } catch (error) {
        parentPort.postMessage(error.message);
      }
    })();
  `;
  const worker = new Worker(source, { eval: true });
  const message = await new Promise<string>((resolve, reject) => {
    worker.once('message', resolve);
    worker.once('error', reject);
  });
  await worker.terminate();
  assert.match(message, /runs only as the entry of a worker started by a plugin/);
});
