import type { IncomingMessage } from 'node:http';
import {
  HttpRateLimiter,
  RateLimitedError,
  errorHeaders,
  loadHttpRateLimit,
  retryAfterSeconds,
} from './rate-limit';

describe('HTTP rate limit', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  const request = (authorization?: string, address = '10.0.0.1') =>
    ({
      headers: authorization ? { authorization } : {},
      socket: { remoteAddress: address },
    }) as unknown as IncomingMessage;

  async function admitted(limiter: HttpRateLimiter, req: IncomingMessage, n: number) {
    let ok = 0;
    let refusal: RateLimitedError | undefined;
    for (let i = 0; i < n; i++) {
      const r = await limiter.check(req);
      if (r) refusal = r;
      else ok++;
    }
    return { ok, refusal };
  }

  it('gives each client its budget, then refuses with the wait; the wait is enough', async () => {
    const limiter = new HttpRateLimiter({ perSecond: 2, burst: 3 });
    const alice = request('Bearer token-a');
    const { ok, refusal } = await admitted(limiter, alice, 20);
    expect(ok).toBe(2 + 3 + 2); // the window, the burst, a window's worth of edge slack
    expect(refusal).toBeInstanceOf(RateLimitedError);
    expect(refusal).toMatchObject({ status: 429, code: 'rate_limited' });
    expect(refusal!.retryAfterMs).toBeGreaterThan(0);
    expect(refusal!.retryAfterMs).toBeLessThanOrEqual(1000);
    // Other clients are not slowed down: another token, anonymous callers by address.
    expect(await limiter.check(request('Bearer token-b'))).toBeUndefined();
    expect(await limiter.check(request(undefined, '10.0.0.2'))).toBeUndefined();
    // Waiting Retry-After (whole seconds, rounded up) is enough.
    await jest.advanceTimersByTimeAsync(retryAfterSeconds(refusal!.retryAfterMs) * 1000);
    expect(await limiter.check(alice)).toBeUndefined();
  });

  it('answers 429 with Retry-After in whole seconds, at least 1', () => {
    expect(errorHeaders(new RateLimitedError(1))).toEqual({ 'retry-after': '1' });
    expect(errorHeaders(new RateLimitedError(1001))).toEqual({ 'retry-after': '2' });
    expect(errorHeaders(new Error('other'))).toBeUndefined();
  });

  it('reads its settings from the environment (0 turns it off), refusing nonsense', () => {
    expect(loadHttpRateLimit({})).toEqual({ perSecond: 200, burst: 400 });
    expect(loadHttpRateLimit({ HTTP_RATE_LIMIT_PER_SECOND: '0' }).perSecond).toBe(0);
    expect(() => loadHttpRateLimit({ HTTP_RATE_LIMIT_BURST: 'lots' })).toThrow(
      /HTTP_RATE_LIMIT_BURST/,
    );
  });
});
