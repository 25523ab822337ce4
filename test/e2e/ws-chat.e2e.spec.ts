import { Api, ServerProcess, api, devToken, startServer } from '../support/server-process';
import { Frame, WsTestClient, range } from './ws-test-client';

/**
 * The WebSocket protocol against the started all-in-one process: sends and acks (durable,
 * idempotent), live pushes to every socket of every member, receipts, membership changes,
 * and a 100-member group.
 */
describe('WebSocket chat, end to end', () => {
  let server: ServerProcess;
  const tokens = new Map<string, string>();
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    server = await startServer();
  });
  afterAll(async () => {
    clients.forEach((c) => c.terminate());
    await server?.kill();
  });

  const token = async (userId: string) => {
    if (!tokens.has(userId)) tokens.set(userId, await devToken(server.baseUrl, userId));
    return tokens.get(userId)!;
  };
  const http = async (userId: string): Promise<Api> => api(server.baseUrl, await token(userId));
  const connect = async (userId: string) => {
    const c = await WsTestClient.open(server.wsUrl, await token(userId));
    clients.push(c);
    return c;
  };
  const conversation = async (creator: string, kind: 'direct' | 'group', members: string[]) => {
    const res = await (
      await http(creator)
    ).post('/v1/conversations', { kind, members, ...(kind === 'group' ? { title: 't' } : {}) });
    expect(res.status).toBe(201);
    return res.body.conversationId as string;
  };
  const isMessage = (conversationId: string, clientMessageId: string) => (f: Frame) =>
    f.type === 'message' &&
    f.conversationId === conversationId &&
    f.clientMessageId === clientMessageId;

  describe('1:1', () => {
    let conversationId: string;
    let alice: WsTestClient;
    let alice2: WsTestClient;
    let bob: WsTestClient;

    beforeAll(async () => {
      conversationId = await conversation('alice', 'direct', ['bob']);
      [alice, alice2, bob] = await Promise.all([
        connect('alice'),
        connect('alice'),
        connect('bob'),
      ]);
    });

    it('acks a send after it is durable and pushes it to every socket of both members', async () => {
      alice.send({ type: 'send', conversationId, clientMessageId: 'a-1', body: 'hello bob' });
      const ack = await alice.waitFor((f) => f.type === 'ack' && f.clientMessageId === 'a-1');
      expect(ack).toMatchObject({ conversationId, seq: 1, messageId: expect.any(String) });
      for (const c of [bob, alice, alice2]) {
        const m = await c.waitFor(isMessage(conversationId, 'a-1'));
        expect(m).toEqual({
          type: 'message',
          conversationId,
          seq: 1,
          messageId: ack.messageId,
          clientMessageId: 'a-1',
          senderId: 'alice',
          body: 'hello bob',
          attachments: [],
          sentAt: expect.any(String),
        });
      }
      const history = await (
        await http('bob')
      ).get(`/v1/conversations/${conversationId}/messages?afterSeq=0&limit=10`);
      expect(history.body.messages.map((m: { messageId: string }) => m.messageId)).toEqual([
        ack.messageId,
      ]);
    });

    it('answers a repeated clientMessageId with the same ack and no second message', async () => {
      bob.send({ type: 'send', conversationId, clientMessageId: 'b-1', body: 'hi' });
      const first = await bob.waitFor((f) => f.type === 'ack' && f.clientMessageId === 'b-1');
      bob.send({ type: 'send', conversationId, clientMessageId: 'b-1', body: 'hi' });
      const acks = await bob.waitForCount(
        (f) => f.type === 'ack' && f.clientMessageId === 'b-1',
        2,
      );
      expect(acks[1]).toEqual(first);
      alice.send({ type: 'send', conversationId, clientMessageId: 'a-2', body: 'after' });
      await alice.waitFor(isMessage(conversationId, 'a-2'));
      expect(alice.frames.filter(isMessage(conversationId, 'b-1'))).toHaveLength(1);
    });

    it('turns delivered/read into receipt frames for the other member', async () => {
      bob.send({ type: 'delivered', conversationId, upToSeq: 3 });
      const delivered = await alice.waitFor(
        (f) => f.type === 'receipt' && f.userId === 'bob' && f.deliveredSeq === 3,
      );
      // bob's own send (seq 2) already counts as read up to 2
      expect(delivered).toEqual({
        type: 'receipt',
        conversationId,
        userId: 'bob',
        deliveredSeq: 3,
        readSeq: 2,
      });
      bob.send({ type: 'read', conversationId, upToSeq: 3 });
      await alice2.waitFor(
        (f) =>
          f.type === 'receipt' && f.userId === 'bob' && f.readSeq === 3 && f.deliveredSeq === 3,
      );
      expect(bob.frames.filter((f) => f.type === 'receipt' && f.userId === 'bob')).toHaveLength(0);
    });

    it('refuses a watermark beyond the last seq with an error frame naming the conversation', async () => {
      bob.send({ type: 'read', conversationId, upToSeq: 999 });
      const err = await bob.waitFor((f) => f.type === 'error' && f.ref === conversationId);
      expect(err.code).toBe('seq_out_of_range');
      bob.send({ type: 'ping' });
      await bob.waitFor((f) => f.type === 'pong');
    });

    it('tells an added member about the membership change', async () => {
      const groupId = await conversation('alice', 'group', ['bob']);
      const carol = await connect('carol');
      const res = await (
        await http('alice')
      ).post(`/v1/conversations/${groupId}/members`, { add: ['carol'] });
      expect(res.status).toBeLessThan(300);
      const change = await carol.waitFor(
        (f) => f.type === 'conversation' && f.conversationId === groupId,
      );
      expect(change).toEqual({
        type: 'conversation',
        conversationId: groupId,
        members: expect.arrayContaining(['alice', 'bob', 'carol']),
        added: ['carol'],
        removed: [],
      });
      await bob.waitFor(
        (f) =>
          f.type === 'conversation' && f.conversationId === groupId && f.added.includes('carol'),
      );
    });
  });

  it('delivers every message of a 100-member group to all 100 members, in seq order', async () => {
    const users = range(0, 99).map((i) => `g${i}`);
    const groupId = await conversation(users[0], 'group', users.slice(1));
    const sockets = await Promise.all(users.map(connect));
    const senders = [0, 42, 99];
    await Promise.all(
      senders.map(async (i) => {
        sockets[i].send({
          type: 'send',
          conversationId: groupId,
          clientMessageId: `g-${i}`,
          body: `from ${users[i]}`,
        });
        await sockets[i].waitFor((f) => f.type === 'ack' && f.clientMessageId === `g-${i}`);
      }),
    );
    for (const s of sockets) {
      const got = await s.waitForCount(
        (f) => f.type === 'message' && f.conversationId === groupId,
        senders.length,
      );
      expect(got.map((m) => m.seq)).toEqual([1, 2, 3]);
    }
  });
});
