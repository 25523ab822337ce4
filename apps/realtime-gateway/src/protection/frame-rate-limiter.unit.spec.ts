import { Pacer } from '../../../../libs/client/src/pacer';
import { ClientFrame } from '../protocol/frames';
import { loadGatewayOptions } from '../gateway-options';
import { FrameRateLimiter } from './frame-rate-limiter';

/**
 * The server's limiter (rate-limiter-flexible: a 1-s window plus a burst pool) against the
 * SDK's pacer (a token bucket with the announced limits), on fake time: what the client
 * paces itself to is always accepted, even with network jitter, and a client that does not
 * pace itself is refused with a usable wait.
 */
describe('FrameRateLimiter (token-bucket budget per connection and per user)', () => {
  beforeEach(() => jest.useFakeTimers({ now: 1_700_000_000_000 }));
  afterEach(() => jest.useRealTimers());

  const options = loadGatewayOptions({});
  const send = (i: number): ClientFrame => ({
    type: 'send',
    conversationId: 'c',
    clientMessageId: `m${i}`,
    body: 'x',
  });

  async function run(
    frames: number,
    jitterMs: number,
    random: () => number,
  ): Promise<{ accepted: number; refused: number; lastAt: number; start: number }> {
    const limiter = new FrameRateLimiter(options);
    const conn = { id: 1, userId: 'u' };
    const start = Date.now();
    let accepted = 0;
    let refused = 0;
    let lastAt = start;
    const pacer = new Pacer(() => {
      // Each frame travels for its own delay (jitter bunches frames up on arrival).
      setTimeout(
        () =>
          void limiter.check(conn).then((wait) => {
            if (wait === 0) accepted++;
            else refused++;
            lastAt = Date.now();
          }),
        Math.floor(random() * jitterMs),
      );
    });
    pacer.open();
    pacer.limits({
      framesPerSecond: options.connectionFramesPerSecond,
      burst: options.connectionBurst,
    });
    for (let i = 0; i < frames; i++) pacer.send(send(i));
    await jest.advanceTimersByTimeAsync(60_000);
    return { accepted, refused, lastAt, start };
  }

  it('accepts every frame of a paced 1,000-message flush, in about the time the limit allows', async () => {
    const { accepted, refused, lastAt, start } = await run(1000, 0, () => 0);
    expect({ accepted, refused }).toEqual({ accepted: 1000, refused: 0 });
    // 300 at once, the other 700 at 50/s: 14 s.
    expect(lastAt - start).toBeGreaterThanOrEqual(13_500);
    expect(lastAt - start).toBeLessThanOrEqual(14_500);
  });

  it('accepts every paced frame even when the network bunches them up (0-80 ms jitter)', async () => {
    let seed = 42;
    const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const { accepted, refused } = await run(2000, 80, random);
    expect({ accepted, refused }).toEqual({ accepted: 2000, refused: 0 });
  });

  it('refuses an unpaced flood after its burst, with the ms until there is room again', async () => {
    const limiter = new FrameRateLimiter(options);
    const conn = { id: 2, userId: 'v' };
    const waits: number[] = [];
    for (let i = 0; i < 600; i++) waits.push(await limiter.check(conn));
    const accepted = waits.filter((w) => w === 0).length;
    expect(accepted).toBeGreaterThanOrEqual(options.connectionBurst);
    expect(accepted).toBeLessThan(600);
    const wait = waits[accepted];
    expect(wait).toBeGreaterThan(0);
    expect(wait).toBeLessThanOrEqual(1000);
    await jest.advanceTimersByTimeAsync(wait);
    expect(await limiter.check(conn)).toBe(0);
  });

  it('shares the user budget between the user’s connections', async () => {
    const limiter = new FrameRateLimiter({
      ...options,
      connectionFramesPerSecond: 1000,
      connectionBurst: 1000,
      userFramesPerSecond: 10,
      userBurst: 10,
    });
    let accepted = 0;
    for (let i = 0; i < 100; i++)
      if ((await limiter.check({ id: 10 + (i % 4), userId: 'w' })) === 0) accepted++;
    expect(accepted).toBe(30); // 10 in the window + 10 burst + 10 slack for the window edges
  });
});
