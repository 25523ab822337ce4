import WebSocket from 'ws';
import { ServerProcess, api, devToken, sleep, startServer } from '../support/server-process';
import { Frame, WsTestClient } from './ws-test-client';

/**
 * Liveness: any inbound frame is a sign of life (not only `ping`), and the server's WebSocket
 * pings, answered by the client's library, keep a receive-only client. The case is
 * "5 minutes with a 60 s timeout"; here the timeout is 1.5 s (heartbeat 500 ms) and the
 * property is the same: several presence-timeout periods pass without a close.
 */
describe('WebSocket liveness without application pings, end to end', () => {
  const TIMEOUT_MS = 1500;
  const PERIODS = 5;
  let server: ServerProcess;
  let groupId: string;
  const tokens: Record<string, string> = {};
  const raws: WebSocket[] = [];
  let observer: WsTestClient;

  beforeAll(async () => {
    server = await startServer({
      env: { PRESENCE_TIMEOUT_MS: String(TIMEOUT_MS), HEARTBEAT_INTERVAL_MS: '500' },
    });
    for (const u of ['olga', 'sid', 'lena', 'dora']) tokens[u] = await devToken(server.baseUrl, u);
    const res = await api(server.baseUrl, tokens.olga).post('/v1/conversations', {
      kind: 'group',
      members: ['sid', 'lena', 'dora'],
      title: 'liveness',
    });
    groupId = res.body.conversationId;
    await sleep(300); // presence recipients come from the inbox read model
    observer = await WsTestClient.open(server.wsUrl, tokens.olga);
    const timer = setInterval(() => observer.send({ type: 'ping' }), 500);
    timer.unref();
    void observer.closed.then(() => clearInterval(timer));
  });
  afterAll(async () => {
    observer?.terminate();
    raws.forEach((ws) => ws.terminate());
    await server?.kill();
  });

  /** A bare `ws` client; autoPong: false makes it ignore the server's WebSocket pings. */
  function raw(userId: string, autoPong: boolean) {
    const ws = new WebSocket(`${server.wsUrl}?token=${tokens[userId]}`, { autoPong });
    raws.push(ws);
    const frames: Frame[] = [];
    let closed: { code: number } | undefined;
    ws.on('message', (data) => frames.push(JSON.parse(String(data)) as Frame));
    ws.on('close', (code) => (closed = { code }));
    const opened = new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return { ws, frames, opened, closed: () => closed };
  }
  const presence = (userId: string, online: boolean) => (f: Frame) =>
    f.type === 'presence' && f.userId === userId && f.online === online;

  it('keeps a client that sends messages but never pings, and one that only receives; expires one that does neither', async () => {
    const sender = raw('sid', false); // never pings, ignores WebSocket pings: only its messages
    const listener = raw('lena', true); // sends nothing at all; its library answers pings
    const silent = raw('dora', false); // sends nothing and answers nothing: must expire
    await Promise.all([sender.opened, listener.opened, silent.opened]);
    await observer.waitFor(presence('sid', true));
    await observer.waitFor(presence('lena', true));

    let n = 0;
    const sending = setInterval(
      () =>
        sender.ws.send(
          JSON.stringify({
            type: 'send',
            conversationId: groupId,
            clientMessageId: `s${++n}`,
            body: `still here ${n}`,
          }),
        ),
      1000, // one message per 2/3 of the timeout (the issue: one per 10 s against 60 s)
    );
    try {
      await sleep(PERIODS * TIMEOUT_MS);
    } finally {
      clearInterval(sending);
    }

    expect(sender.closed()).toBeUndefined();
    expect(listener.closed()).toBeUndefined();
    expect(sender.ws.readyState).toBe(WebSocket.OPEN);
    expect(listener.ws.readyState).toBe(WebSocket.OPEN);
    expect(observer.frames.filter(presence('sid', false))).toEqual([]);
    expect(observer.frames.filter(presence('lena', false))).toEqual([]);
    for (let i = 0; i < 40 && sender.frames.filter((f) => f.type === 'ack').length < n; i++)
      await sleep(50); // the last message's ack may still be on its way
    expect(sender.frames.filter((f) => f.type === 'ack')).toHaveLength(n);
    expect(sender.frames.filter((f) => f.type === 'error')).toEqual([]);
    const received = listener.frames.filter((f) => f.type === 'message');
    expect(received.length).toBeGreaterThanOrEqual(PERIODS - 1);

    // The control: no sign of life for the timeout → terminated (1006) and reported offline.
    expect(silent.closed()).toEqual({ code: 1006 });
    expect(observer.frames.filter(presence('dora', false))).toHaveLength(1);
  }, 30_000);
});
