import { createSigner } from 'fast-jwt';
import { AppError } from '../app-error';
import { TokenService } from './token-service';
import { VerifiedTokenCache } from './verified-token-cache';

const SECRET = 'test-secret-that-is-long-enough-for-hs256';
const T0 = Date.parse('2025-01-01T00:00:00.000Z');

const refusal = (fn: () => unknown): { code: string; message: string; status: number } => {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(AppError);
    return err as AppError;
  }
  throw new Error('expected a refusal');
};

describe('TokenService.verify', () => {
  beforeEach(() => jest.useFakeTimers({ now: T0 }));
  afterEach(() => jest.useRealTimers());

  it('accepts its own token, and again from the cache (the same frozen principal)', () => {
    const tokens = new TokenService(SECRET, 60);
    const token = tokens.issue('alice', ['user', 'auditor']);
    const first = tokens.verify(token);
    expect(first).toEqual({ userId: 'alice', roles: ['user', 'auditor'] });
    expect(tokens.verify(token)).toBe(first);
    expect(Object.isFrozen(first) && Object.isFrozen(first.roles)).toBe(true);
  });

  it('refuses a cached token once its exp has passed, and keeps refusing it', () => {
    const tokens = new TokenService(SECRET, 60);
    const token = tokens.issue('alice');
    tokens.verify(token);
    jest.setSystemTime(T0 + 60_000); // exactly exp: still valid (fast-jwt: now <= exp)
    expect(tokens.verify(token).userId).toBe('alice');
    jest.setSystemTime(T0 + 60_001);
    expect(refusal(() => tokens.verify(token))).toMatchObject({
      code: 'invalid_token',
      message: 'token expired',
      status: 401,
    });
    expect(refusal(() => tokens.verify(token)).message).toBe('token expired');
  });

  it('never caches a forged token: it is refused every time', () => {
    const tokens = new TokenService(SECRET, 60);
    const forged = new TokenService('another-secret-of-sufficient-length', 60).issue('alice');
    for (let i = 0; i < 3; i++)
      expect(refusal(() => tokens.verify(forged))).toMatchObject({
        code: 'invalid_token',
        message: 'invalid token',
      });
  });

  it('refuses a missing token, a garbage token and a bad subject', () => {
    const tokens = new TokenService(SECRET, 60);
    expect(refusal(() => tokens.verify(undefined)).message).toBe('missing bearer token');
    expect(refusal(() => tokens.verify('not.a.jwt')).message).toBe('invalid token');
    const badSubject = createSigner({ key: SECRET, expiresIn: 60_000 })({ sub: 'no spaces!' });
    expect(refusal(() => tokens.verify(badSubject)).message).toBe('invalid token subject');
  });
});

describe('VerifiedTokenCache', () => {
  it('evicts the oldest entries beyond its capacity', () => {
    const cache = new VerifiedTokenCache<number>(3);
    for (let i = 1; i <= 5; i++) cache.set(`t${i}`, i, Infinity);
    expect(cache.size).toBe(3);
    expect(['t1', 't2', 't3', 't4', 't5'].map((t) => cache.get(t, T0))).toEqual([
      undefined,
      undefined,
      3,
      4,
      5,
    ]);
  });

  it('answers expired (once) after the expiry, then forgets the entry', () => {
    const cache = new VerifiedTokenCache<number>(3);
    cache.set('t', 1, T0);
    expect(cache.get('t', T0)).toBe(1);
    expect(cache.get('t', T0 + 1)).toBe('expired');
    expect(cache.size).toBe(0);
  });
});
