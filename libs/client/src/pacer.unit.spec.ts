import { DEFAULT_PACE, Pacer, PacerClock, TokenBucket } from './pacer';
import { ClientFrame } from './protocol';

/** A manual clock: timers run only when the test advances time. */
class FakeClock implements PacerClock {
  t = 0;
  private timers: { at: number; fn: () => void; id: number }[] = [];
  private nextId = 1;
  now = () => this.t;
  setTimeout = (fn: () => void, ms: number) => {
    const id = this.nextId++;
    this.timers.push({ at: this.t + ms, fn, id });
    return id;
  };
  clearTimeout = (id: unknown) => {
    this.timers = this.timers.filter((x) => x.id !== id);
  };
  advance(ms: number): void {
    const end = this.t + ms;
    for (;;) {
      this.timers.sort((a, b) => a.at - b.at);
      const due = this.timers[0];
      if (!due || due.at > end) break;
      this.timers.shift();
      this.t = due.at;
      due.fn();
    }
    this.t = end;
  }
}

const send = (i: number): ClientFrame => ({
  type: 'send',
  conversationId: 'c',
  clientMessageId: `m${i}`,
  body: `b${i}`,
});
const ids = (frames: ClientFrame[]) =>
  frames.map((f) => (f.type === 'send' ? f.clientMessageId : f.type));

describe('TokenBucket', () => {
  it('gives the burst at once, then one token per 1/rate, never more than the burst', () => {
    const bucket = new TokenBucket({ framesPerSecond: 10, burst: 3 }, 0);
    expect([1, 2, 3, 4].map(() => bucket.take(0))).toEqual([true, true, true, false]);
    expect(bucket.wait(0)).toBe(100);
    expect(bucket.take(99)).toBe(false);
    expect(bucket.take(100)).toBe(true);
    expect(bucket.wait(10_000)).toBe(0);
    expect([1, 2, 3, 4].map(() => bucket.take(10_000))).toEqual([true, true, true, false]);
  });

  it('reset counts what was spent before the limits were known; empty drains it', () => {
    const bucket = new TokenBucket(DEFAULT_PACE, 0);
    bucket.reset({ framesPerSecond: 50, burst: 300 }, 0, 10);
    let n = 0;
    while (bucket.take(0)) n++;
    expect(n).toBe(290);
    bucket.reset({ framesPerSecond: 50, burst: 300 }, 0, 0);
    bucket.empty(0);
    expect(bucket.wait(0)).toBe(20);
  });
});

describe('Pacer (client flow control)', () => {
  let clock: FakeClock;
  let written: ClientFrame[];
  let pacer: Pacer;
  beforeEach(() => {
    clock = new FakeClock();
    written = [];
    pacer = new Pacer((f) => written.push(f), clock);
    pacer.open();
  });

  it('sends only a few frames before the welcome, then the burst, then the announced rate', () => {
    for (let i = 0; i < 1000; i++) pacer.send(send(i));
    expect(written).toHaveLength(DEFAULT_PACE.burst);
    pacer.limits({ framesPerSecond: 50, burst: 300 });
    expect(written).toHaveLength(300); // the server's bucket was full at connect: 300 in all
    clock.advance(1000);
    expect(written).toHaveLength(350);
    clock.advance(13_000);
    expect(written).toHaveLength(1000);
    expect(ids(written)).toEqual(Array.from({ length: 1000 }, (_, i) => `m${i}`));
    expect(pacer.queued).toBe(0);
  });

  it('never exceeds the token bucket it mirrors, over any window', () => {
    pacer.limits({ framesPerSecond: 50, burst: 300 });
    const times: number[] = [];
    pacer = new Pacer(() => times.push(clock.now()), clock);
    pacer.open();
    pacer.limits({ framesPerSecond: 50, burst: 300 });
    for (let i = 0; i < 2000; i++) pacer.send(send(i));
    clock.advance(60_000);
    expect(times).toHaveLength(2000);
    for (let i = 0; i < times.length; i++) {
      // frames in [times[i], times[i] + 1 s] ≤ burst + rate·1 s
      let j = i;
      while (j < times.length && times[j] - times[i] <= 1000) j++;
      expect(j - i).toBeLessThanOrEqual(300 + 50);
    }
  });

  it('lets control frames (receipts, sync, ping) go ahead of queued sends', () => {
    pacer.limits({ framesPerSecond: 10, burst: 1 });
    for (let i = 0; i < 3; i++) pacer.send(send(i));
    pacer.send({ type: 'read', conversationId: 'c', upToSeq: 4 });
    clock.advance(100);
    expect(ids(written)).toEqual(['m0', 'read']);
  });

  it('on rate_limited: sends nothing for retryAfterMs, then the refused read first, then retries, then the rest', () => {
    pacer.limits({ framesPerSecond: 100, burst: 5 });
    pacer.send({ type: 'read', conversationId: 'c', upToSeq: 9 });
    pacer.send({ type: 'typing', conversationId: 'c' });
    for (let i = 0; i < 10; i++) pacer.send(send(i));
    expect(ids(written)).toEqual(['read', 'typing', 'm0', 'm1', 'm2']);
    // The server refused the read, the typing and m1 (retried by the client, same id).
    pacer.rateLimited({
      code: 'rate_limited',
      message: '',
      retryAfterMs: 500,
      ref: 'c',
      frameType: 'read',
    });
    pacer.rateLimited({
      code: 'rate_limited',
      message: '',
      retryAfterMs: 499,
      ref: 'c',
      frameType: 'typing',
    });
    pacer.rateLimited({
      code: 'rate_limited',
      message: '',
      retryAfterMs: 498,
      ref: 'm1',
      frameType: 'send',
    });
    pacer.retry(send(1));
    written = [];
    clock.advance(499);
    expect(written).toEqual([]);
    clock.advance(1);
    clock.advance(100);
    expect(ids(written).slice(0, 4)).toEqual(['read', 'm1', 'm3', 'm4']);
    expect(written[0]).toEqual({ type: 'read', conversationId: 'c', upToSeq: 9 });
    expect(ids(written)).not.toContain('typing'); // stale by then: dropped
  });

  it('keeps one queued receipt per conversation and kind: the highest', () => {
    pacer.limits({ framesPerSecond: 10, burst: 1 });
    pacer.send(send(0));
    for (const upToSeq of [3, 5, 4])
      pacer.send({ type: 'delivered', conversationId: 'c', upToSeq });
    pacer.send({ type: 'delivered', conversationId: 'd', upToSeq: 1 });
    pacer.send({ type: 'read', conversationId: 'c', upToSeq: 2 });
    clock.advance(1000);
    expect(written.slice(1)).toEqual([
      { type: 'delivered', conversationId: 'c', upToSeq: 5 },
      { type: 'delivered', conversationId: 'd', upToSeq: 1 },
      { type: 'read', conversationId: 'c', upToSeq: 2 },
    ]);
  });

  it('drops what is queued when the socket goes (owners resend on the next one)', () => {
    pacer.limits({ framesPerSecond: 1, burst: 1 });
    for (let i = 0; i < 5; i++) pacer.send(send(i));
    pacer.clear();
    clock.advance(10_000);
    expect(ids(written)).toEqual(['m0']);
    expect(pacer.queued).toBe(0);
  });
});
