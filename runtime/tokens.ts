/**
 * Access tokens: `pdk1.<claims>.<signature>`, claims in base64url JSON, signed with
 * HMAC-SHA256 under a secret made per runtime. A token names its plugin, its scopes
 * and its expiry. Verified tokens are cached, so a call costs one Map lookup plus an
 * expiry compare (the signature is checked once per token, not per call).
 *
 * Revocation is by plugin generation: each token carries the generation of its plugin
 * id at issue, and `revokePlugin` starts a new generation, so every token ever issued
 * to the plugin before (however many renewals there were) is refused from then on,
 * with nothing kept per token. A single token can still be revoked on its own (the
 * short-lived tokens of external tasks).
 */
import { createHmac, randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { paddockError } from '../sdk/errors.js';

export interface TokenClaims {
  /** Plugin id. */
  sub: string;
  /** Token id, for revocation. */
  jti: string;
  scopes: readonly string[];
  /** Expiry, ms since epoch. */
  exp: number;
  iat: number;
  /** Generation of the plugin id at issue (see revokePlugin). */
  gen: number;
}

export interface VerifiedToken {
  claims: TokenClaims;
  scopes: ReadonlySet<string>;
}

const PREFIX = 'pdk1';

export class TokenAuthority {
  readonly #secret = randomBytes(32);
  readonly #verified = new Map<string, VerifiedToken>();
  /** jti → expiry; kept until expiry so a revoked token never verifies again. */
  readonly #revoked = new Map<string, number>();
  /** Plugin id → its current generation; ids are few, and a generation must outlive its plugin. */
  readonly #generations = new Map<string, number>();

  issue(pluginId: string, scopes: readonly string[], lifeMs: number): { token: string; claims: TokenClaims } {
    const now = Date.now();
    this.#sweep(now);
    const claims: TokenClaims = { sub: pluginId, jti: randomUUID(), scopes: [...scopes], exp: now + lifeMs, iat: now, gen: this.#generation(pluginId) };
    const body = Buffer.from(JSON.stringify(claims)).toString('base64url');
    const token = `${PREFIX}.${body}.${this.#sign(body)}`;
    this.#verified.set(token, { claims, scopes: new Set(claims.scopes) });
    return { token, claims };
  }

  /**
   * Check a token presented by `pluginId`. Throws TokenError (invalid, expired,
   * revoked, or issued to another plugin).
   */
  verify(token: unknown, pluginId: string, now = Date.now()): VerifiedToken {
    let entry = typeof token === 'string' ? this.#verified.get(token) : undefined;
    if (!entry) entry = this.#verifySignature(token, pluginId);
    const { claims } = entry;
    if (claims.sub !== pluginId) {
      throw paddockError('PADDOCK_ERR_TOKEN_INVALID', { plugin: pluginId, reason: 'it was issued to another plugin' });
    }
    if (claims.gen !== this.#generation(pluginId) || this.#revoked.has(claims.jti)) throw paddockError('PADDOCK_ERR_TOKEN_REVOKED', { plugin: pluginId });
    if (claims.exp <= now) throw paddockError('PADDOCK_ERR_TOKEN_EXPIRED', { plugin: pluginId, ago: now - claims.exp });
    return entry;
  }

  revoke(token: string | undefined): void {
    if (!token) return;
    const entry = this.#verified.get(token) ?? this.#tryDecode(token);
    if (!entry) return;
    this.#revoked.set(entry.claims.jti, entry.claims.exp);
    this.#verified.delete(token);
  }

  /**
   * Refuse every token issued to `pluginId` so far (it was unloaded, reloaded or
   * crashed); tokens issued after this call are of the new generation.
   */
  revokePlugin(pluginId: string): void {
    this.#generations.set(pluginId, this.#generation(pluginId) + 1);
    for (const [token, entry] of this.#verified) if (entry.claims.sub === pluginId) this.#verified.delete(token);
  }

  /** Number of cached verified tokens (for leak checks). */
  get cachedCount(): number {
    return this.#verified.size;
  }

  #sign(body: string): string {
    return createHmac('sha256', this.#secret).update(body).digest('base64url');
  }

  #tryDecode(token: string): VerifiedToken | undefined {
    try {
      return this.#verifySignature(token, '');
    } catch {
      // An unverifiable token cannot be revoked; there is nothing to do.
      return undefined;
    }
  }

  #verifySignature(token: unknown, pluginId: string): VerifiedToken {
    const invalid = (reason: string) => paddockError('PADDOCK_ERR_TOKEN_INVALID', { plugin: pluginId, reason });
    if (typeof token !== 'string' || token.length > 4096) throw invalid('it is not a token string');
    const parts = token.split('.');
    if (parts.length !== 3 || parts[0] !== PREFIX) throw invalid('it is malformed');
    const [, body, signature] = parts as [string, string, string];
    const expected = Buffer.from(this.#sign(body));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) throw invalid('its signature does not match');
    let claims: TokenClaims;
    try {
      claims = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as TokenClaims;
    } catch {
      throw invalid('its claims are unreadable');
    }
    const entry = { claims, scopes: new Set(claims.scopes) };
    if (claims.exp > Date.now() && !this.#revoked.has(claims.jti) && claims.gen === this.#generation(claims.sub)) this.#verified.set(token, entry);
    return entry;
  }

  #generation(pluginId: string): number {
    return this.#generations.get(pluginId) ?? 0;
  }

  /** Forget expired tokens and expired revocations. */
  #sweep(now: number): void {
    for (const [token, entry] of this.#verified) if (entry.claims.exp <= now) this.#verified.delete(token);
    for (const [jti, exp] of this.#revoked) if (exp <= now) this.#revoked.delete(jti);
  }
}
