import { ChatMessage } from '../../libs/client/src';
import { bodies, connectClient, makeClient, waitFor } from '../../libs/client/src/testing/helpers';
import { ServerProcess, api, devToken, startServer } from '../support/server-process';
import { Frame, WsTestClient, range } from './ws-test-client';

/**
 * Flow control instead of disconnects, against the started server with its default limits:
 * the limits are announced, the SDK paces itself to them, a client that honours retryAfterMs
 * is never closed, and one that keeps sending through a wait it was told about is (1008).
 */
describe('WebSocket flow control, end to end', () => {
  let server: ServerProcess;
  const sockets: WsTestClient[] = [];

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    sockets.forEach((c) => c.terminate());
    await server?.kill();
  });

  const open = async (userId: string) => {
    const c = await WsTestClient.open(server.wsUrl, await devToken(server.baseUrl, userId));
    sockets.push(c);
    return c;
  };
  const direct = async (a: string, b: string): Promise<string> => {
    const res = await api(server.baseUrl, await devToken(server.baseUrl, a)).post(
      '/v1/conversations',
      { kind: 'direct', members: [b] },
    );
    return res.body.conversationId;
  };
  const lastSeq = async (userId: string, conversationId: string): Promise<number> => {
    const res = await api(server.baseUrl, await devToken(server.baseUrl, userId)).get(
      `/v1/conversations/${conversationId}`,
    );
    return res.body.lastSeq;
  };

  it('announces the limits first, in a welcome frame', async () => {
    const c = await open('wendy');
    await c.waitFor((f) => f.type === 'presence' || f.type === 'welcome');
    expect(c.frames[0]).toEqual({
      type: 'welcome',
      limits: {
        framesPerSecond: 50,
        burst: 300,
        userFramesPerSecond: 100,
        userBurst: 600,
        maxFramesWhileWaiting: 20,
      },
      heartbeat: { intervalMs: 30_000, timeoutMs: 60_000 },
    });
  });

  it('SDK: 1,000 messages written offline are delivered once each, in order, with no close, at the pace the limit allows', async () => {
    const bob = await connectClient(server, 'bob-outbox');
    const alice = await makeClient(server, 'alice-outbox');
    try {
      const { conversationId } = await alice.client.createConversation({
        kind: 'direct',
        members: ['alice-outbox', 'bob-outbox'],
      });
      let refusals = 0;
      alice.client.on('rateLimited', () => refusals++);
      const sends = range(1, 1000).map((i) => alice.client.send(conversationId, `m${i}`));
      expect(alice.client.pendingSends()).toHaveLength(1000);

      const started = Date.now();
      await alice.client.connect();
      const acks = await Promise.all(sends);
      const elapsed = Date.now() - started;

      expect(acks.map((a) => a.seq)).toEqual(range(1, 1000));
      await waitFor(() => bob.messages.length >= 1000, 'bob receives all 1,000', 20_000);
      expect(bob.messages.map((m: ChatMessage) => m.seq)).toEqual(range(1, 1000));
      expect(bodies(bob.messages)).toEqual(range(1, 1000).map((i) => `m${i}`));
      expect(await lastSeq('bob-outbox', conversationId)).toBe(1000); // no duplicate stored
      expect(alice.client.pendingSends()).toHaveLength(0);
      // Never closed, never even refused: the SDK paced itself to the announced limits.
      expect(alice.states).toEqual(['connecting', 'open']);
      expect(bob.states).toEqual(['connecting', 'open']);
      expect(refusals).toBe(0);
      // 300 at once, the other 700 at 50/s: about 14 s.
      expect(elapsed).toBeGreaterThan(12_500);
      expect(elapsed).toBeLessThan(20_000);
    } finally {
      alice.client.close();
      bob.client.close();
    }
  }, 60_000);

  it('a raw client that pipelines 600 sends and then honours every retryAfterMs is never closed; each message is stored once', async () => {
    const conversationId = await direct('carol-polite', 'dave-polite');
    const c = await open('carol-polite');
    await c.waitFor((f) => f.type === 'welcome');
    const acked = new Set<string>();
    const refusedAgain: string[] = [];
    const otherErrors: Frame[] = [];
    let pausedUntil = 0;
    c.ws.on('message', (data) => {
      const f = JSON.parse(String(data)) as Frame;
      if (f.type === 'ack') acked.add(f.clientMessageId);
      else if (f.type === 'error' && f.code === 'rate_limited') {
        // Honours the answer: nothing more on this socket until the wait is over.
        pausedUntil = Math.max(pausedUntil, Date.now() + f.retryAfterMs);
        refusedAgain.push(f.ref);
      } else if (f.type === 'error') otherErrors.push(f);
    });
    const send = (id: string) =>
      c.send({ type: 'send', conversationId, clientMessageId: id, body: id });
    const ids = range(1, 600).map((i) => `p${i}`);
    ids.forEach(send); // more than the announced burst, all at once
    const deadline = Date.now() + 30_000;
    let resent = 0;
    let closed: { code: number; reason: string } | undefined;
    void c.closed.then((how) => (closed = how));
    while (acked.size < ids.length && Date.now() < deadline && !closed) {
      await new Promise((r) => setTimeout(r, 5));
      if (Date.now() < pausedUntil || refusedAgain.length === 0) continue;
      for (const id of refusedAgain.splice(0)) {
        send(id);
        resent++;
      }
    }
    expect(closed).toBeUndefined(); // never closed
    expect(resent).toBeGreaterThan(0); // it was rate limited...
    expect(acked.size).toBe(600); // ...and everything got through
    expect(otherErrors).toEqual([]);
    expect(c.ws.readyState).toBe(c.ws.OPEN);
    expect(await lastSeq('carol-polite', conversationId)).toBe(600);
  }, 40_000);

  it('a raw client that ignores retryAfterMs and keeps sending is closed with 1008', async () => {
    const conversationId = await direct('erin-rude', 'frank-rude');
    const c = await open('erin-rude');
    await c.waitFor((f) => f.type === 'welcome');
    let n = 0;
    const flood = setInterval(() => {
      if (c.ws.readyState !== c.ws.OPEN) return;
      for (let i = 0; i < 25; i++)
        c.send({ type: 'send', conversationId, clientMessageId: `r${++n}`, body: 'spam' });
    }, 10);
    try {
      const refused = await c.waitFor((f) => f.type === 'error');
      expect(refused).toMatchObject({
        code: 'rate_limited',
        frameType: 'send',
        ref: expect.stringMatching(/^r\d+$/),
        retryAfterMs: expect.any(Number),
      });
      const closed = await c.closed;
      expect(closed).toEqual({ code: 1008, reason: 'kept sending while told to wait' });
    } finally {
      clearInterval(flood);
    }
    const refusals = c.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(refusals.length).toBeGreaterThan(20); // the in-flight ones, then the counted ones
    expect(refusals.length).toBeLessThan(n);
  });
});
