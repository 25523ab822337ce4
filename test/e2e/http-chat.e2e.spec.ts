import { eventually } from '../support/eventually';
import { Api, ServerProcess, api, devToken, startServer } from '../support/server-process';

/**
 * The started all-in-one process through its public HTTP API: a direct chat of 100
 * messages, receipts, inbox, pagination, then a crash (SIGKILL) and a restart on the same
 * data: every acknowledged message is still there with the same seq and messageId.
 */
describe('HTTP chat, end to end (embedded process)', () => {
  let server: ServerProcess;
  let alice: Api;
  let bob: Api;
  let aliceToken: string;
  let conversationId: string;
  const acks = new Map<string, { messageId: string; seq: number }>();

  beforeAll(async () => {
    server = await startServer();
    aliceToken = await devToken(server.baseUrl, 'alice');
    alice = api(server.baseUrl, aliceToken);
    bob = api(server.baseUrl, await devToken(server.baseUrl, 'bob'));
  });
  afterAll(async () => {
    await server?.kill();
  });

  const messagesAfter = (who: Api, query: string) =>
    who.get(`/v1/conversations/${conversationId}/messages?${query}`);
  const seqsOf = (res: { body: { messages: { seq: number }[] } }) =>
    res.body.messages.map((m) => m.seq);
  const range = (from: number, to: number) =>
    Array.from({ length: to - from + 1 }, (_, i) => from + i);

  it('creates one direct conversation per pair (the second create returns the same id)', async () => {
    const created = await alice.post('/v1/conversations', { kind: 'direct', members: ['bob'] });
    expect(created.status).toBe(201);
    conversationId = created.body.conversationId;
    const again = await bob.post('/v1/conversations', { kind: 'direct', members: ['alice'] });
    expect(again).toEqual({ status: 200, body: { conversationId } });
  });

  it('acknowledges 100 concurrent sends with dense seqs 1..100', async () => {
    const sends = range(1, 100).map(async (i) => {
      const res = await alice.post(`/v1/conversations/${conversationId}/messages`, {
        clientMessageId: `m-${i}`,
        body: `hello ${i}`,
      });
      expect(res.status).toBe(201);
      acks.set(`m-${i}`, res.body);
    });
    await Promise.all(sends);
    expect([...acks.values()].map((a) => a.seq).sort((a, b) => a - b)).toEqual(range(1, 100));
    expect(new Set([...acks.values()].map((a) => a.messageId)).size).toBe(100);
  });

  it('answers a retried send with the original messageId and seq, without a new message', async () => {
    const retry = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'm-50',
      body: 'hello 50',
    });
    expect(retry).toEqual({ status: 201, body: acks.get('m-50') });
    const view = await eventually(
      () => bob.get(`/v1/conversations/${conversationId}`),
      (r) => r.body.lastSeq === 100,
    );
    expect(view.body).toMatchObject({ conversationId, kind: 'direct', lastSeq: 100 });
    expect([...view.body.members].sort()).toEqual(['alice', 'bob']);
  });

  it('pages forwards with afterSeq and backwards with beforeSeq, always in ascending seq order', async () => {
    expect(seqsOf(await messagesAfter(bob, 'afterSeq=0&limit=30'))).toEqual(range(1, 30));
    expect(seqsOf(await messagesAfter(bob, 'afterSeq=90&limit=30'))).toEqual(range(91, 100));
    expect(seqsOf(await messagesAfter(bob, 'limit=30'))).toEqual(range(71, 100));
    expect(seqsOf(await messagesAfter(bob, 'beforeSeq=71&limit=30'))).toEqual(range(41, 70));
    expect(seqsOf(await messagesAfter(bob, ''))).toEqual(range(51, 100));
    const all = [...seqsOf(await messagesAfter(bob, 'afterSeq=0&limit=200'))];
    expect(all).toEqual(range(1, 100));
    const page = await messagesAfter(bob, 'afterSeq=9&limit=1');
    expect(page.body.messages[0]).toMatchObject({
      conversationId,
      seq: 10,
      senderId: 'alice',
      ...byClientId(10),
    });
  });

  const byClientId = (i: number) => ({
    clientMessageId: `m-${i}`,
    messageId: acks.get(`m-${i}`)!.messageId,
    body: `hello ${i}`,
  });

  it('keeps receipts as rising watermarks and derives unread counts from them', async () => {
    const path = `/v1/conversations/${conversationId}`;
    expect(await bob.post(`${path}/delivered`, { upToSeq: 100 })).toEqual({
      status: 200,
      body: { deliveredSeq: 100, readSeq: 0 },
    });
    expect(await bob.post(`${path}/read`, { upToSeq: 40 })).toEqual({
      status: 200,
      body: { deliveredSeq: 100, readSeq: 40 },
    });
    // Lower watermarks are no-ops, not errors.
    expect(await bob.post(`${path}/read`, { upToSeq: 30 })).toEqual({
      status: 200,
      body: { deliveredSeq: 100, readSeq: 40 },
    });
    expect(await bob.post(`${path}/delivered`, { upToSeq: 20 })).toEqual({
      status: 200,
      body: { deliveredSeq: 100, readSeq: 40 },
    });

    const inbox = await eventually(
      () => bob.get('/v1/me/conversations'),
      (r) => r.body.conversations?.[0]?.readSeq === 40,
    );
    expect(inbox.body.conversations).toHaveLength(1);
    expect(inbox.body.conversations[0]).toMatchObject({
      conversationId,
      lastSeq: 100,
      unreadCount: 60,
      lastMessage: { seq: 100 },
    });
    const aliceInbox = await alice.get('/v1/me/conversations');
    expect(aliceInbox.body.conversations[0]).toMatchObject({ conversationId, unreadCount: 0 });

    const receipts = await bob.get(`${path}/receipts`);
    const byUser = Object.fromEntries(
      receipts.body.receipts.map((r: { userId: string }) => [r.userId, r]),
    );
    expect(byUser.bob).toEqual({ userId: 'bob', deliveredSeq: 100, readSeq: 40 });
    expect(byUser.alice).toEqual({ userId: 'alice', deliveredSeq: 100, readSeq: 100 });
  });

  it('survives SIGKILL: after a restart every acknowledged message has its seq and messageId', async () => {
    await server.kill();
    server = await startServer({ dataDir: server.dataDir });
    // Tokens stay valid across restarts: the signing secret is kept in the data dir.
    alice = api(server.baseUrl, aliceToken);
    bob = api(server.baseUrl, await devToken(server.baseUrl, 'bob'));

    const page = await eventually(
      () => messagesAfter(bob, 'afterSeq=0&limit=200'),
      (r) => r.body.messages?.length === 100,
    );
    for (const message of page.body.messages)
      expect(acks.get(message.clientMessageId)).toEqual({
        messageId: message.messageId,
        seq: message.seq,
      });

    const retry = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'm-7',
      body: 'hello 7',
    });
    expect(retry).toEqual({ status: 201, body: acks.get('m-7') });
    const next = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'm-101',
      body: 'after restart',
    });
    expect(next.status).toBe(201);
    expect(next.body.seq).toBe(101);
    expect(
      (await bob.get('/v1/conversations/' + conversationId + '/receipts')).body.receipts,
    ).toContainEqual({ userId: 'bob', deliveredSeq: 100, readSeq: 40 });
  });

  it('serves health, Prometheus metrics, the OpenAPI document and the web page', async () => {
    expect(await alice.get('/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await alice.get('/health/ready');
    expect(ready).toMatchObject({ status: 200, body: { status: 'ok' } });
    expect(await alice.get('/health')).toEqual(ready);
    const metrics = await alice.get('/metrics');
    expect(metrics.status).toBe(200);
    expect(metrics.body).toContain('http_request_duration_seconds_bucket{');
    expect(metrics.body).toMatch(
      /chat_commands_total\{type="SendMessage",outcome="appended"\} 1\b/,
    );
    expect(metrics.body).toMatch(/chat_commands_total\{type="SendMessage",outcome="noop"\} 1\b/);
    expect(metrics.body).toContain('process_cpu_user_seconds_total');
    // The projector runs on a worker thread (default); its lag is observed on this registry.
    await eventually(
      () => alice.get('/metrics'),
      (r) => /^chat_projection_lag_seconds_count [1-9]/m.test(r.body),
    );
    const openapi = await alice.get('/v1/openapi.yaml');
    expect(openapi.status).toBe(200);
    for (const route of [
      '/v1/auth/dev-token:',
      '/v1/conversations/{id}/messages:',
      '/v1/me/conversations:',
      '/v1/conversations/{id}/receipts:',
    ])
      expect(openapi.body).toContain(route);
    const page = await fetch(`${server.baseUrl}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toContain('text/html');
  });

  it('stops gracefully on SIGTERM with exit code 0', async () => {
    expect(await server.stop()).toBe(0);
  });
});
