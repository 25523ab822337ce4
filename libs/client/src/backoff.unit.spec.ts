import { backoffDelay } from './backoff';

describe('backoffDelay (exponential, full jitter, capped)', () => {
  const opts = { baseMs: 100, maxMs: 5_000 };

  it('grows the ceiling exponentially: random≈1 gives just under base·2^attempt', () => {
    const almostOne = () => 0.999999;
    expect([0, 1, 2, 3].map((a) => backoffDelay(a, opts, almostOne))).toEqual([99, 199, 399, 799]);
  });

  it('never exceeds the cap, even for huge attempt numbers', () => {
    for (const attempt of [6, 10, 50, 1_000]) {
      expect(backoffDelay(attempt, opts, () => 0.999999)).toBeLessThan(5_000);
      expect(backoffDelay(attempt, opts, () => 0.999999)).toBeGreaterThan(4_990);
    }
  });

  it('uses full jitter: the delay spans from 0 up to the ceiling', () => {
    expect(backoffDelay(4, opts, () => 0)).toBe(0);
    expect(backoffDelay(4, opts, () => 0.5)).toBe(800);
  });
});
