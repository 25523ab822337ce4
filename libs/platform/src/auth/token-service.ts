import { createSigner, createVerifier } from 'fast-jwt';
import { AppError } from '../app-error';
import { VerifiedTokenCache } from './verified-token-cache';

export type Role = 'user' | 'auditor' | 'analyst';

export interface Principal {
  userId: string;
  roles: Role[];
}

const USER_ID = /^[A-Za-z0-9._@-]{1,64}$/;

type Claims = { sub?: unknown; roles?: unknown; exp?: unknown };

/**
 * HS256 access tokens (fast-jwt). Verified principals are cached per token string until the
 * token's own expiry (VerifiedTokenCache), so a busy socket or client pays for the HMAC
 * once, not per request.
 */
export class TokenService {
  private readonly sign: (payload: object) => string;
  private readonly verifier: (token: string) => Claims;
  private readonly verified = new VerifiedTokenCache<Principal>(10_000);

  constructor(secret: string, ttlSeconds: number) {
    this.sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: ttlSeconds * 1000 });
    this.verifier = createVerifier({ key: secret, algorithms: ['HS256'] });
  }

  static isValidUserId(userId: unknown): userId is string {
    return typeof userId === 'string' && USER_ID.test(userId);
  }

  issue(userId: string, roles: Role[] = ['user']): string {
    return this.sign({ sub: userId, roles });
  }

  /** Throws AppError('invalid_token', 401) for a missing, malformed, forged or expired token. */
  verify(token: string | undefined): Principal {
    if (!token) throw new AppError('invalid_token', 'missing bearer token', 401);
    const cached = this.verified.get(token, Date.now());
    if (cached === 'expired') throw new AppError('invalid_token', 'token expired', 401);
    if (cached !== undefined) return cached;
    const principal = this.check(token);
    this.verified.set(token, principal.value, principal.expiresAtMs);
    return principal.value;
  }

  /** The full check (signature, algorithm, claims); throws for any token it refuses. */
  private check(token: string): { value: Principal; expiresAtMs: number } {
    let claims: Claims;
    try {
      claims = this.verifier(token);
    } catch (err) {
      const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
      throw new AppError('invalid_token', expired ? 'token expired' : 'invalid token', 401);
    }
    if (!TokenService.isValidUserId(claims.sub))
      throw new AppError('invalid_token', 'invalid token subject', 401);
    const roles = Array.isArray(claims.roles) ? (claims.roles as Role[]) : ['user' as Role];
    // fast-jwt accepts a token while now <= exp * 1000; the cache refuses it after that too.
    const expiresAtMs = typeof claims.exp === 'number' ? claims.exp * 1000 : Infinity;
    // Shared by every request that presents this token: frozen so no caller can alter it.
    const value = Object.freeze({ userId: claims.sub, roles: Object.freeze(roles) as Role[] });
    return { value, expiresAtMs };
  }
}

/** Extracts the token from an `Authorization: Bearer …` header value. */
export const bearerToken = (header: string | undefined): string | undefined =>
  header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
