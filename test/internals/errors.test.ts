import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { errorCodes, retiredCodes, paddockError, PaddockError } from '../../sdk/errors.js';
import { deserializeError, serializeError } from '../../sdk/kernel/serialize-error.js';
import { fixture } from '../helpers.js';

const docs = readFileSync(fixture('../../docs/reference/errors.md'), 'utf8');

test('every error code is documented in docs/reference/errors.md', () => {
  const missing = Object.keys(errorCodes).filter((code) => !docs.includes(`\`${code}\``));
  assert.deepEqual(missing, []);
});

test('docs/reference/errors.md lists no code that does not exist', () => {
  const listed = [...docs.matchAll(/`(PADDOCK_ERR_[A-Z_]+)`/g)].map((m) => m[1]!);
  const unknown = listed.filter((code) => !Object.hasOwn(errorCodes, code) && !retiredCodes.includes(code));
  assert.deepEqual(unknown, []);
});

test('codes are prefixed and retired codes are never reused', () => {
  for (const code of Object.keys(errorCodes)) assert.match(code, /^PADDOCK_ERR_[A-Z_]+$/);
  for (const code of retiredCodes) assert.equal(Object.hasOwn(errorCodes, code), false, `${code} is retired`);
});

test('an error keeps its class, code, origin, plugin, details and cause across serialization', () => {
  const cause = new RangeError('inner');
  const error = paddockError('PADDOCK_ERR_SCOPE_DENIED', { plugin: 'p', what: 'call "x"', scope: 'control' }, { cause, origin: 'runtime' });
  const copy = deserializeError(structuredClone(serializeError(error)));
  assert.ok(copy instanceof PaddockError);
  assert.equal(copy.name, 'ApiCallError');
  assert.equal(copy.code, 'PADDOCK_ERR_SCOPE_DENIED');
  assert.equal(copy.plugin, 'p');
  assert.equal(copy.origin, 'runtime');
  assert.equal(copy.details.scope, 'control');
  assert.equal(copy.message, error.message);
  assert.ok(copy.cause instanceof Error);
  assert.equal((copy.cause as Error).name, 'RangeError');
  assert.equal((copy.cause as Error).message, 'inner');
});

test('a hostile serialized error cannot inject non-string fields', () => {
  const copy = deserializeError({ name: { toString: 1 }, message: 42, code: ['x'], cause: { cause: { cause: 'deep' } } });
  assert.equal(copy.name, 'Error');
  assert.equal(copy.message, '');
  assert.equal((copy as { code?: unknown }).code, undefined);
});
