import { ServerProcess, api, devToken, startServer } from '../support/server-process';
import { WsTestClient } from './ws-test-client';

/** Every refusal path of the WebSocket endpoint; none of them may take the process down. */
describe('WebSocket errors and limits, end to end', () => {
  let server: ServerProcess;
  let aliceToken: string;
  let conversationId: string;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    server = await startServer();
    aliceToken = await devToken(server.baseUrl, 'alice');
    await devToken(server.baseUrl, 'bob');
    const created = await api(server.baseUrl, await devToken(server.baseUrl, 'bob')).post(
      '/v1/conversations',
      { kind: 'direct', members: ['carol'] },
    );
    conversationId = created.body.conversationId;
  });
  afterAll(async () => {
    clients.forEach((c) => c.terminate());
    await server?.kill();
  });

  const connect = async () => {
    const c = await WsTestClient.open(server.wsUrl, aliceToken);
    clients.push(c);
    return c;
  };
  const stillAlive = async (c: WsTestClient) => {
    c.send({ type: 'ping' });
    await c.waitFor((f) => f.type === 'pong');
  };

  it('refuses the upgrade with HTTP 401 for a bad or missing token, 404 for another path', async () => {
    expect(await WsTestClient.refusal(`${server.wsUrl}?token=forged`)).toBe(401);
    expect(await WsTestClient.refusal(server.wsUrl)).toBe(401);
    expect(await WsTestClient.refusal(server.wsUrl, { authorization: 'Bearer nope' })).toBe(401);
    expect(
      await WsTestClient.refusal(
        server.wsUrl.replace('/v1/ws', '/v1/other') + `?token=${aliceToken}`,
      ),
    ).toBe(404);
  });

  it('accepts the token from the Authorization header', async () => {
    const c = await WsTestClient.open(server.wsUrl, undefined, '', {
      authorization: `Bearer ${aliceToken}`,
    });
    clients.push(c);
    await stillAlive(c);
  });

  it.each([
    ['bad JSON', '{"type":', 'invalid_json'],
    ['a non-object', '[1,2]', 'invalid_frame'],
    ['a frame without type', '{"body":"x"}', 'invalid_frame'],
    ['an unknown type', '{"type":"explode"}', 'unknown_type'],
    [
      'a send without body',
      JSON.stringify({ type: 'send', conversationId: 'c', clientMessageId: 'm' }),
      'invalid_frame',
    ],
    [
      'a negative watermark',
      JSON.stringify({ type: 'read', conversationId: 'c', upToSeq: -4 }),
      'invalid_frame',
    ],
  ])('answers %s with an error frame and keeps the socket open', async (_name, raw, code) => {
    const c = await connect();
    c.sendRaw(raw);
    expect(await c.waitFor((f) => f.type === 'error')).toMatchObject({
      code,
      message: expect.any(String),
    });
    await stillAlive(c);
  });

  it('answers a binary frame with invalid_frame', async () => {
    const c = await connect();
    c.ws.send(Buffer.from([1, 2, 3]), { binary: true });
    expect(await c.waitFor((f) => f.type === 'error')).toMatchObject({ code: 'invalid_frame' });
  });

  it('refuses non-members on send, sync and typing, naming what was refused', async () => {
    const c = await connect();
    c.send({ type: 'send', conversationId, clientMessageId: 'x-1', body: 'let me in' });
    expect(await c.waitFor((f) => f.type === 'error' && f.ref === 'x-1')).toMatchObject({
      code: 'not_a_member',
    });
    c.send({ type: 'sync', cursors: { [conversationId]: 0, 'no-such-conversation': 0 } });
    await c.waitFor(
      (f) => f.type === 'error' && f.ref === 'no-such-conversation' && f.code === 'not_a_member',
    );
    await c.waitFor(
      (f) => f.type === 'error' && f.ref === conversationId && f.code === 'not_a_member',
    );
    c.send({ type: 'typing', conversationId });
    await c.waitForCount((f) => f.type === 'error' && f.ref === conversationId, 2);
    expect(c.of('message')).toHaveLength(0);
    expect(c.of('synced')).toHaveLength(0);
  });

  it('closes with 1009 on a frame over the payload limit', async () => {
    const c = await connect();
    c.sendRaw(
      JSON.stringify({
        type: 'send',
        conversationId,
        clientMessageId: 'big',
        body: 'x'.repeat(600 * 1024),
      }),
    );
    expect((await c.closed).code).toBe(1009);
  });

  it('refuses frames over the budget with retryAfterMs; closes with 1008 a client that keeps sending through the wait', async () => {
    const c = await connect();
    const welcome = await c.waitFor((f) => f.type === 'welcome');
    // Ignores every answer: 50 pings every 10 ms, until the server closes the socket.
    const flood = setInterval(() => {
      if (c.ws.readyState !== c.ws.OPEN) return;
      for (let i = 0; i < 50; i++) c.send({ type: 'ping' });
    }, 10);
    try {
      expect(await c.waitFor((f) => f.type === 'error')).toMatchObject({
        code: 'rate_limited',
        retryAfterMs: expect.any(Number),
        frameType: 'ping',
      });
      expect((await c.closed).code).toBe(1008);
    } finally {
      clearInterval(flood);
    }
    expect(c.of('pong').length).toBeGreaterThanOrEqual(welcome.limits.burst);
    const refused = c.frames.filter((f) => f.type === 'error' && f.code === 'rate_limited');
    expect(refused.every((f) => f.retryAfterMs > 0 && f.retryAfterMs <= 1000)).toBe(true);
  });

  it('survives all of it and serves the AsyncAPI document', async () => {
    await stillAlive(await connect());
    const doc = await fetch(`${server.baseUrl}/v1/asyncapi.yaml`);
    expect(doc.status).toBe(200);
    expect(await doc.text()).toMatch(/^asyncapi: 3\.0\.0/);
  });
});
