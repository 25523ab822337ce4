export interface BackoffOptions {
  /** First retry ceiling, in ms. */
  baseMs: number;
  /** No delay ever exceeds this, in ms. */
  maxMs: number;
}

export const DEFAULT_BACKOFF: BackoffOptions = { baseMs: 250, maxMs: 30_000 };

/**
 * Exponential backoff with full jitter: a uniform delay in [0, min(max, base·2^attempt)).
 * Full jitter spreads a crowd of clients that lost the same server, so they do not all
 * reconnect in the same instant. `random` is injectable for tests.
 */
export function backoffDelay(
  attempt: number,
  options: BackoffOptions = DEFAULT_BACKOFF,
  random: () => number = Math.random,
): number {
  const exp = Math.min(attempt, 30); // 2^30 already exceeds any sane cap; avoids Infinity
  const ceiling = Math.min(options.maxMs, options.baseMs * 2 ** exp);
  return Math.floor(random() * ceiling);
}
