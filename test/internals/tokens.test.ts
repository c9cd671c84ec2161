import assert from 'node:assert/strict';
import { test } from 'node:test';
import { isPaddockError } from '../../sdk/errors.js';
import { TokenAuthority } from '../../runtime/tokens.js';

test('a token carries its plugin, scopes and expiry, and verifies from the cache', () => {
  const tokens = new TokenAuthority();
  const { token, claims } = tokens.issue('p', ['read', 'log'], 60_000);
  assert.equal(claims.sub, 'p');
  const verified = tokens.verify(token, 'p');
  assert.ok(verified.scopes.has('read'));
  assert.equal(tokens.verify(token, 'p'), verified, 'the second check is a cache hit');
});

test('expired, revoked, foreign and tampered tokens are refused with their own codes', () => {
  const tokens = new TokenAuthority();
  const { token } = tokens.issue('p', ['read'], 1000);
  assert.throws(() => tokens.verify(token, 'p', Date.now() + 2000), (e: unknown) => isPaddockError(e, 'PADDOCK_ERR_TOKEN_EXPIRED'));
  assert.throws(() => tokens.verify(token, 'q'), (e: unknown) => isPaddockError(e, 'PADDOCK_ERR_TOKEN_INVALID'));
  assert.throws(() => tokens.verify(`${token}x`, 'p'), /signature does not match/);
  assert.throws(() => tokens.verify('nonsense', 'p'), /malformed/);
  assert.throws(() => tokens.verify(42, 'p'), /not a token string/);
  tokens.revoke(token);
  assert.throws(() => tokens.verify(token, 'p'), (e: unknown) => isPaddockError(e, 'PADDOCK_ERR_TOKEN_REVOKED'));
  assert.throws(() => new TokenAuthority().verify(tokens.issue('p', [], 1000).token, 'p'), /signature does not match/, 'another runtime\'s secret');
});

test('expired tokens leave the cache when new ones are issued', () => {
  const tokens = new TokenAuthority();
  tokens.issue('p', [], 1);
  const before = tokens.cachedCount;
  const wait = Date.now() + 5;
  while (Date.now() < wait) { /* let the first token expire */ }
  tokens.issue('p', [], 60_000);
  assert.equal(before, 1);
  assert.equal(tokens.cachedCount, 1);
});
