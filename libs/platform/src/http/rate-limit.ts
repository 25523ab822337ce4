import { envCount } from '../config';
import type { IncomingMessage } from 'node:http';
import { BurstyRateLimiter, RateLimiterMemory, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '../app-error';

/**
 * A budget of `perSecond` sustained with bursts of `burst`, from rate-limiter-flexible: a
 * 1-second window of `perSecond` points, and when it is spent a pool of `burst` points that
 * refills every ceil(burst / perSecond) seconds (no slower than a token bucket of the same
 * shape would, so traffic that fits a token bucket {perSecond, burst} is never refused; the
 * pool gets one extra second's worth for the windows' edges, see the limiter spec). Memory: a
 * record per key that has been used within its window; idle keys cost nothing.
 */
export function burstLimiter(prefix: string, perSecond: number, burst: number): BurstyRateLimiter {
  return new BurstyRateLimiter(
    new RateLimiterMemory({ keyPrefix: prefix, points: perSecond, duration: 1 }),
    new RateLimiterMemory({
      keyPrefix: `${prefix}-burst`,
      points: burst + perSecond,
      duration: Math.max(1, Math.ceil(burst / perSecond)),
    }),
  );
}

/** 0 when the key has room for one more, else the ms until it has (at least 1). */
export async function consumeOrWait(
  limiter: BurstyRateLimiter,
  key: string | number,
): Promise<number> {
  try {
    await limiter.consume(key);
    return 0;
  } catch (err) {
    if (err instanceof RateLimiterRes) return Math.max(1, Math.ceil(err.msBeforeNext));
    throw err;
  }
}

/** HTTP 429: `{error:{code:'rate_limited',message}}` with a `Retry-After` header (whole seconds, rounded up). */
export class RateLimitedError extends AppError {
  constructor(readonly retryAfterMs: number) {
    super(
      'rate_limited',
      `too many requests; retry after ${retryAfterSeconds(retryAfterMs)} s`,
      429,
    );
  }
}

export const retryAfterSeconds = (ms: number): number => Math.max(1, Math.ceil(ms / 1000));

/** Extra response headers an error asks for (Retry-After for a 429). */
export function errorHeaders(err: unknown): Record<string, string> | undefined {
  return err instanceof RateLimitedError
    ? { 'retry-after': String(retryAfterSeconds(err.retryAfterMs)) }
    : undefined;
}

export interface HttpRateLimitOptions {
  /** Sustained requests per second per client; 0 turns the limit off. */
  perSecond: number;
  burst: number;
}

/**
 * HTTP_RATE_LIMIT_PER_SECOND (default 200) and HTTP_RATE_LIMIT_BURST (default 400), per client.
 * Generous on purpose: HTTP also carries server-to-server traffic (a gateway's commands, the
 * benchmarks' closed-loop senders at ~100 requests/s each); it is there to stop floods.
 */
export function loadHttpRateLimit(env: NodeJS.ProcessEnv = process.env): HttpRateLimitOptions {
  return {
    perSecond: envCount(env.HTTP_RATE_LIMIT_PER_SECOND, 200, 'HTTP_RATE_LIMIT_PER_SECOND'),
    burst: envCount(env.HTTP_RATE_LIMIT_BURST, 400, 'HTTP_RATE_LIMIT_BURST'),
  };
}

/**
 * Per-client HTTP request budget. The client is its bearer token (each signed-in client has
 * its own; a forged one gets its own budget and then a 401), else its address (anonymous
 * routes: dev tokens, health, metrics, documents). Keyed before any parsing or token check,
 * so a refused request costs a Map lookup.
 */
export class HttpRateLimiter {
  private readonly limiter: BurstyRateLimiter;

  constructor(options: HttpRateLimitOptions) {
    this.limiter = burstLimiter('http', options.perSecond, Math.max(1, options.burst));
  }

  /** Undefined when the request may proceed, else the refusal to answer it with. */
  async check(req: IncomingMessage): Promise<RateLimitedError | undefined> {
    const waitMs = await consumeOrWait(this.limiter, clientKey(req));
    return waitMs === 0 ? undefined : new RateLimitedError(waitMs);
  }
}

function clientKey(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (auth !== undefined && auth.length > 7 && auth.slice(0, 7).toLowerCase() === 'bearer ')
    return `t:${auth.slice(7)}`;
  return `a:${req.socket.remoteAddress ?? ''}`;
}
