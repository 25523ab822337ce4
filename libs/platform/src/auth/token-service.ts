import { createSigner, createVerifier } from 'fast-jwt';
import { AppError } from '../app-error';

export type Role = 'user' | 'auditor' | 'analyst';

export interface Principal {
  userId: string;
  roles: Role[];
}

const USER_ID = /^[A-Za-z0-9._@-]{1,64}$/;

/**
 * HS256 access tokens (fast-jwt). Verification results are cached per token string
 * (fast-jwt's LRU, bounded by the token's own expiry), so a busy socket or client pays
 * for the HMAC once, not per request.
 */
export class TokenService {
  private readonly sign: (payload: object) => string;
  private readonly verifier: (token: string) => { sub?: unknown; roles?: unknown };

  constructor(secret: string, ttlSeconds: number) {
    this.sign = createSigner({ key: secret, algorithm: 'HS256', expiresIn: ttlSeconds * 1000 });
    this.verifier = createVerifier({ key: secret, algorithms: ['HS256'], cache: 10_000 });
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
    let claims: { sub?: unknown; roles?: unknown };
    try {
      claims = this.verifier(token);
    } catch (err) {
      const expired = (err as { code?: string }).code === 'FAST_JWT_EXPIRED';
      throw new AppError('invalid_token', expired ? 'token expired' : 'invalid token', 401);
    }
    if (!TokenService.isValidUserId(claims.sub))
      throw new AppError('invalid_token', 'invalid token subject', 401);
    const roles = Array.isArray(claims.roles) ? (claims.roles as Role[]) : ['user' as Role];
    return { userId: claims.sub, roles };
  }
}

/** Extracts the token from an `Authorization: Bearer …` header value. */
export const bearerToken = (header: string | undefined): string | undefined =>
  header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
