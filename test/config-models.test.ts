/** The entry fields of the other plugin models (pool, collector, exec …): mistakes named by their path. */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { configJsonSchema, configSchema, DEFAULT_LIMITS, formatIssues, isModuleEntry, limitsSchema } from '../runtime/index.js';

function problems(plugins: unknown[]): string[] {
  const parsed = configSchema.safeParse({ plugins });
  assert.equal(parsed.success, false, 'the config should be refused');
  return formatIssues(parsed.error!).split('\n');
}

test('an entry is a module (url) or an executable (exec), with the fields of its kind', () => {
  assert.deepEqual(problems([
    { options: {} },
    { url: './a.js', exec: ['x'] },
    { url: './a.js', interface: 'rpc', tasks: [], errLog: 'error' },
    { exec: ['x'], pool: { size: 2 } },
    { exec: ['x'], interface: 'rpc', meta: { name: 'x' } },
    { exec: [], interface: 'grpc' },
    { exec: ['x'], tasks: [{ name: 'a' }, { name: 'b', execArgs: ['-b'] }, { name: 'a' }] },
    { exec: ['x'], errLog: 'loud', tasks: [{ name: '1st' }] },
    { exec: ['x'], env: { 'NOT-A-NAME': 'v', FINE: 'v' } },
  ]), [
    '  - plugins[0].url: expected "url" (a plugin module: a path, file:, npm: or jsr:) or "exec" (an external executable)',
    '  - plugins[1].exec: an entry has "url" (a plugin module) or "exec" (an external executable), not both',
    '  - plugins[2].interface: only an external plugin ("exec") has this field',
    '  - plugins[2].errLog: only an external plugin ("exec") has this field',
    '  - plugins[2].tasks: only an external plugin ("exec") has this field',
    '  - plugins[3].pool: an external plugin runs each task in a process of its own; "pool" is for "url" plugins',
    '  - plugins[4].meta: an rpc plugin reports its meta from initialize',
    '  - plugins[5].exec: expected [command, ...args]',
    '  - plugins[5].interface: Invalid option: expected one of "raw"|"rpc"',
    '  - plugins[6].tasks[2].name: duplicate task name "a" (also tasks[0].name)',
    '  - plugins[7].errLog: Invalid option: expected one of "debug"|"info"|"warn"|"error"',
    '  - plugins[7].tasks[0].name: expected a name of letters, digits, "_", "." or "-" (at most 64, not starting with a digit)',
    '  - plugins[8].env.NOT-A-NAME: expected an environment variable name (letters, digits and "_", not starting with a digit)',
  ]);
});

test('pool and collector settings are checked', () => {
  assert.deepEqual(problems([
    { url: './a.js', pool: { size: 0, queueLimit: -1, idleTimeoutMs: 0, threads: 2 } },
    { url: './a.js', collector: { interval: 0, maxResultBytes: 1, enabled: 'yes' } },
  ]), [
    '  - plugins[0].pool.size: Too small: expected number to be >=1',
    '  - plugins[0].pool.queueLimit: Too small: expected number to be >=0',
    '  - plugins[0].pool.idleTimeoutMs: Too small: expected number to be >0',
    '  - plugins[0].pool: unknown key "threads"',
    '  - plugins[1].collector.enabled: Invalid input: expected boolean, received string',
    '  - plugins[1].collector.interval: Too small: expected number to be >=0.01',
    '  - plugins[1].collector.maxResultBytes: Too small: expected number to be >=16',
  ]);
  assert.ok(configSchema.safeParse({ plugins: [
    { url: './a.js', pool: { size: 2, queueLimit: 0, taskTimeoutMs: 5000 }, collector: { interval: 0.5 } },
    { exec: ['python3', '{pluginDir}/p.py'], interface: 'rpc', dir: 'plugins', tasks: [{ name: 'sync', execArgs: ['--sync'], timeoutMs: 1000 }] },
    { exec: ['./report.sh'], meta: { name: 'report', version: '1.0.0' }, errLog: 'info', env: { TZ: 'UTC' } },
  ] }).success);
});

test('an entry parses once into its kind, with the defaults written in the schemas', () => {
  const parsed = configSchema.parse({ plugins: [
    { url: './a.js' },
    { exec: ['./run.sh'] },
  ] });
  const [module, exec] = parsed.plugins;
  assert.ok(module && isModuleEntry(module));
  assert.deepEqual(module.pool, { queueLimit: 100, idleTimeoutMs: 30_000, taskTimeoutMs: 60_000, cancelGraceMs: 1_000 });
  assert.deepEqual(module.collector, { enabled: true, maxResultBytes: 65_536 });
  assert.ok(exec && !isModuleEntry(exec));
  assert.deepEqual({ interface: exec.interface, dir: exec.dir, errLog: exec.errLog, env: exec.env }, { interface: 'raw', dir: '.', errLog: 'error', env: {} });
  assert.equal(DEFAULT_LIMITS.callTimeoutMs, 30_000);
  assert.equal(DEFAULT_LIMITS.maxOldGenerationSizeMb, 256);
  // An entry's limits have no defaults of their own: what it leaves out comes from the host's.
  assert.deepEqual(limitsSchema.parse({}), {});
});

test('the JSON Schema says "url or exec" as two kinds of entry, each closed to the other\'s fields', () => {
  const schema = configJsonSchema() as { properties: { plugins: { items: { anyOf: Array<{ required: string[]; properties: Record<string, unknown>; additionalProperties: boolean }> } } } };
  const [module, exec] = schema.properties.plugins.items.anyOf;
  assert.deepEqual(module?.required, ['url']);
  assert.deepEqual(exec?.required, ['exec']);
  assert.equal(module?.additionalProperties, false);
  assert.equal(exec?.additionalProperties, false);
  assert.ok('pool' in module!.properties && !('pool' in exec!.properties));
  assert.ok('interface' in exec!.properties && !('interface' in module!.properties));
});
