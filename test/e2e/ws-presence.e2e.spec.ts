import { ServerProcess, api, devToken, sleep, startServer } from '../support/server-process';
import { Frame, WsTestClient } from './ws-test-client';

/**
 * Presence and typing against a server with a short heartbeat (500 ms) and presence
 * timeout (1.5 s), so expiry is observable within a test.
 */
describe('WebSocket presence and typing, end to end', () => {
  let server: ServerProcess;
  const tokens: Record<string, string> = {};
  let conversationId: string;
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    server = await startServer({
      env: { PRESENCE_TIMEOUT_MS: '1500', HEARTBEAT_INTERVAL_MS: '500' },
    });
    for (const u of ['pat', 'quinn', 'rae', 'sam']) tokens[u] = await devToken(server.baseUrl, u);
    const res = await api(server.baseUrl, tokens.pat).post('/v1/conversations', {
      kind: 'group',
      members: ['quinn', 'rae'],
      title: 'p',
    });
    conversationId = res.body.conversationId;
    await sleep(300); // let the projector apply the conversation (presence recipients come from the inbox)
  });
  afterAll(async () => {
    clients.forEach((c) => c.terminate());
    await server?.kill();
  });

  const connect = async (userId: string) => {
    const c = await WsTestClient.open(server.wsUrl, tokens[userId]);
    clients.push(c);
    return c;
  };
  const presence = (userId: string, online: boolean) => (f: Frame) =>
    f.type === 'presence' && f.userId === userId && f.online === online;

  it('announces online on the first connection and offline when the last one closes', async () => {
    const quinn = await connect('quinn');
    const pat1 = await connect('pat');
    await quinn.waitFor(presence('pat', true));
    const pat2 = await connect('pat');
    pat1.close();
    await sleep(300);
    expect(quinn.frames.filter(presence('pat', false))).toHaveLength(0); // pat2 still open
    expect(pat2.frames.find(presence('quinn', true))).toBeDefined(); // current presence on connect
    pat2.close();
    const off = await quinn.waitFor(presence('pat', false));
    expect(Date.parse(off.lastSeenAt)).toBeGreaterThan(Date.now() - 5000);
    quinn.close();
  });

  it('expires a connection that shows no sign of life and keeps one that pings', async () => {
    const rae = await connect('rae');
    const pinger = await connect('quinn');
    await rae.waitFor(presence('quinn', true));
    await sleep(300); // quinn's socket from the previous test may still be reported offline first
    const quinnOnlineAt = rae.frames.length;
    expect(rae.frames.filter(presence('quinn', true)).length).toBeGreaterThan(0);
    const timer = setInterval(() => [rae, pinger].forEach((c) => c.send({ type: 'ping' })), 500);
    try {
      const dead = await connect('pat');
      const online = await rae.waitFor(presence('pat', true));
      const onlineAt = rae.frames.indexOf(online);
      // A dead client: it reads nothing, so it does not even answer the server's WebSocket pings.
      dead.ws.pause();
      await rae.waitFor((f) => presence('pat', false)(f) && rae.frames.indexOf(f) > onlineAt, 4000);
      dead.ws.resume();
      expect((await dead.closed).code).toBe(1006); // terminated: no close frame
      await sleep(500);
      expect(pinger.ws.readyState).toBe(pinger.ws.OPEN);
      expect(pinger.of('pong').length).toBeGreaterThan(2);
      expect(rae.frames.slice(quinnOnlineAt).filter(presence('quinn', false))).toHaveLength(0);
    } finally {
      clearInterval(timer);
    }
  });

  it('relays typing to the other members, at most once per 2 s, and refuses non-members', async () => {
    const [pat, quinn, sam] = await Promise.all([connect('pat'), connect('quinn'), connect('sam')]);
    quinn.send({ type: 'typing', conversationId });
    quinn.send({ type: 'typing', conversationId });
    quinn.send({ type: 'typing', conversationId });
    expect(await pat.waitFor((f) => f.type === 'typing')).toEqual({
      type: 'typing',
      conversationId,
      userId: 'quinn',
    });
    await sleep(500);
    expect(pat.of('typing')).toHaveLength(1);
    expect(quinn.of('typing')).toHaveLength(0);
    expect(quinn.of('error')).toHaveLength(0);
    sam.send({ type: 'typing', conversationId });
    expect(await sam.waitFor((f) => f.type === 'error')).toMatchObject({
      code: 'not_a_member',
      ref: conversationId,
    });
  });
  it('tells two online users about each other when they start sharing a conversation', async () => {
    for (const u of ['uma', 'vic']) tokens[u] = await devToken(server.baseUrl, u);
    const [uma, vic] = await Promise.all([connect('uma'), connect('vic')]);
    expect(uma.frames.filter(presence('vic', true))).toHaveLength(0); // no shared conversation yet
    await api(server.baseUrl, tokens.uma).post('/v1/conversations', {
      kind: 'direct',
      members: ['vic'],
    });
    await uma.waitFor(presence('vic', true));
    await vic.waitFor(presence('uma', true));
  });
});
