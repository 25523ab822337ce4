import type { Logger } from 'pino';
import { WebSocket } from 'ws';
import { Connection } from '../connection/connection';
import { Outbound } from '../connection/outbound';
import { loadGatewayOptions } from '../gateway-options';
import { FrameRateLimiter } from '../protection/frame-rate-limiter';
import { ServerFrame } from '../protocol/frames';
import { ClientCommandForwarder } from './client-command-forwarder';
import { FrameRouter } from './frame-router';
import { SyncHandler } from './sync.handler';
import { TypingHandler } from './typing.handler';

/**
 * The flow-control rule of FrameRouter, with a scripted budget: a refused frame starts a
 * wait and a ping; frames during the wait are refused; only those after the pong count, and
 * the (K+1)-th closes with 1008. Any frame is a sign of life.
 */
describe('FrameRouter flow control', () => {
  const K = loadGatewayOptions({}).rateLimitStrikes;
  let now: number;
  let budget: number[]; // wait (ms) the limiter answers for each frame checked; 0 = accepted
  let sent: ServerFrame[];
  let pings: Buffer[];
  let closes: [number, string][];
  let conn: Connection;
  let router: FrameRouter;

  beforeEach(() => {
    now = 1_000_000;
    jest.spyOn(Date, 'now').mockImplementation(() => now);
    budget = [];
    sent = [];
    pings = [];
    closes = [];
    const ws = {
      readyState: WebSocket.OPEN,
      ping: (data: Buffer) => pings.push(Buffer.from(data)),
      close: (code: number, reason: string) => closes.push([code, reason]),
    } as unknown as WebSocket;
    conn = new Connection(1, 'u', ws, now - 10_000);
    const limiter = { check: async () => budget.shift() ?? 0 } as unknown as FrameRateLimiter;
    const outbound = {
      send: (_c: Connection, f: ServerFrame) => sent.push(f) > 0,
      error: (_c: Connection, code: string, message: string) =>
        sent.push({ type: 'error', code, message }),
    } as unknown as Outbound;
    const commands = { send: async () => undefined } as unknown as ClientCommandForwarder;
    router = new FrameRouter(
      limiter,
      outbound,
      commands,
      {} as SyncHandler,
      {} as TypingHandler,
      loadGatewayOptions({}),
      { error: jest.fn() } as unknown as Logger,
    );
  });
  afterEach(() => jest.restoreAllMocks());

  const frame = (i: number) =>
    Buffer.from(
      JSON.stringify({ type: 'send', conversationId: 'c', clientMessageId: `m${i}`, body: 'x' }),
    );
  const deliver = async (i: number) => {
    router.handle(conn, frame(i), false);
    await new Promise((r) => setImmediate(r));
  };
  const refusals = () => sent.filter((f) => f.type === 'error' && f.code === 'rate_limited');

  it('refuses a frame over the budget with retryAfterMs, ref and frameType, then pings', async () => {
    budget = [400];
    await deliver(1);
    expect(refusals()).toEqual([
      {
        type: 'error',
        code: 'rate_limited',
        message: expect.any(String),
        retryAfterMs: 400,
        ref: 'm1',
        frameType: 'send',
      },
    ]);
    expect(pings).toHaveLength(1);
    expect(conn.waitUntil).toBe(now + 400);
  });

  it('refuses frames during the wait (with the time left) without consulting the budget', async () => {
    budget = [400, 0, 0];
    await deliver(1);
    now += 100;
    await deliver(2);
    expect(refusals().map((f) => (f as { retryAfterMs: number }).retryAfterMs)).toEqual([400, 300]);
    expect(budget).toEqual([0, 0]);
    expect(pings).toHaveLength(1);
  });

  it('does not count frames that were in flight (before the pong), however many', async () => {
    budget = [1000];
    await deliver(0);
    for (let i = 1; i <= 10 * K; i++) await deliver(i);
    expect(closes).toEqual([]);
    expect(refusals()).toHaveLength(10 * K + 1);
  });

  it('closes with 1008 on the (K+1)-th frame after the pong, within the wait', async () => {
    budget = [1000];
    await deliver(0);
    router.pong(conn, Buffer.from('not this wait'));
    for (let i = 1; i <= K; i++) await deliver(i);
    expect(closes).toEqual([]);
    router.pong(conn, pings[0]);
    for (let i = 1; i <= K; i++) await deliver(100 + i);
    expect(closes).toEqual([]);
    await deliver(200);
    expect(closes).toEqual([[1008, 'kept sending while told to wait']]);
  });

  it('never closes a client that waits as told: after the wait its frames are judged afresh', async () => {
    budget = [300, 0, 200, 0];
    await deliver(1);
    router.pong(conn, pings[0]);
    now += 300; // waited exactly retryAfterMs
    await deliver(2); // accepted
    await deliver(3); // refused: a new wait, a new ping, nothing counted yet
    expect(pings).toHaveLength(2);
    expect(conn.strikes).toBe(-1);
    now += 200;
    await deliver(4);
    expect(closes).toEqual([]);
    expect(refusals()).toHaveLength(2);
  });

  it('counts any frame as a sign of life', async () => {
    budget = [500];
    await deliver(1);
    expect(conn.lastSeenAt).toBe(now);
    now += 50;
    await deliver(2); // refused, still alive
    expect(conn.lastSeenAt).toBe(now);
  });
});
