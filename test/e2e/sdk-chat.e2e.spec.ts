import { ChatClient } from '../../libs/client/src';
import {
  TestClient,
  bodies,
  connectClient,
  makeClient,
  waitFor,
} from '../../libs/client/src/testing/helpers';
import { WireTap } from '../../libs/client/src/testing/wire-tap';
import { ServerProcess, startServer } from '../support/server-process';

describe('client SDK against the started server', () => {
  let server: ServerProcess;
  const clients: ChatClient[] = [];
  const track = (t: TestClient) => (clients.push(t.client), t);

  beforeAll(async () => {
    server = await startServer();
  });
  afterEach(() => {
    for (const c of clients.splice(0)) c.close();
  });
  afterAll(async () => {
    await server?.stop();
  });

  async function pair(a: string, b: string, extraB = {}) {
    const alice = track(await connectClient(server, a));
    const bob = track(await connectClient(server, b, extraB));
    const { conversationId } = await alice.client.createConversation({
      kind: 'direct',
      members: [a, b],
    });
    return { alice, bob, conversationId };
  }

  it('two clients chat: acks carry dense seqs and each side receives the other in order', async () => {
    const { alice, bob, conversationId } = await pair('alice1', 'bob1');
    const ack1 = await alice.client.send(conversationId, 'hi bob');
    expect(ack1.seq).toBe(1);
    await waitFor(() => bob.messages.length === 1, 'bob receives');
    expect(bob.messages[0]).toMatchObject({
      conversationId,
      seq: 1,
      senderId: 'alice1',
      body: 'hi bob',
    });
    const ack2 = await bob.client.send(conversationId, 'hi alice');
    expect(ack2.seq).toBe(2);
    await waitFor(() => alice.messages.some((m) => m.seq === 2), 'alice receives');
    expect(bodies(alice.messages)).toEqual(['hi bob', 'hi alice']);
    expect(alice.client.cursor(conversationId)).toBe(2);
  });

  it('receipts: delivered is marked automatically, read by markRead, both pushed and queryable', async () => {
    const { alice, bob, conversationId } = await pair('alice2', 'bob2');
    const { seq } = await alice.client.send(conversationId, 'read me');
    await waitFor(
      () => alice.receipts.find((r) => r.userId === 'bob2' && r.deliveredSeq >= seq),
      'delivered receipt',
    );
    await waitFor(() => bob.messages.length === 1, 'bob receives');
    bob.client.markRead(conversationId, seq);
    await waitFor(
      () => alice.receipts.find((r) => r.userId === 'bob2' && r.readSeq >= seq),
      'read receipt',
    );
    const receipts = await alice.client.receipts(conversationId);
    expect(receipts.find((r) => r.userId === 'bob2')).toMatchObject({
      deliveredSeq: seq,
      readSeq: seq,
    });
    const inbox = await bob.client.inbox();
    expect(inbox.find((e) => e.conversationId === conversationId)).toMatchObject({
      lastSeq: 1,
      readSeq: 1,
      unreadCount: 0,
    });
  });

  it('offline outbox: a message written before connecting gets its id at once and is sent once on connect', async () => {
    const bob = track(await connectClient(server, 'bob3'));
    const alice = track(await makeClient(server, 'alice3'));
    const { conversationId } = await alice.client.createConversation({
      kind: 'direct',
      members: ['alice3', 'bob3'],
    });
    const sending = alice.client.send(conversationId, 'written offline');
    expect(sending.clientMessageId).toMatch(/^[0-9a-f-]{36}$/);
    expect(alice.client.pendingSends()).toHaveLength(1);
    await alice.client.connect();
    const ack = await sending;
    expect(ack).toMatchObject({ clientMessageId: sending.clientMessageId, seq: 1 });
    await waitFor(() => bob.messages.length === 1, 'bob receives');
    await new Promise((r) => setTimeout(r, 200));
    expect(bodies(bob.messages)).toEqual(['written offline']);
    expect(alice.client.pendingSends()).toHaveLength(0);
  });

  it('a lost ack is resent after a reconnect and applied exactly once (idempotent clientMessageId)', async () => {
    const tap = new WireTap();
    const bob = track(await connectClient(server, 'bob4'));
    const sender = track(await connectClient(server, 'alice4', { WebSocket: tap.WebSocket }));
    const { conversationId } = await sender.client.createConversation({
      kind: 'direct',
      members: ['alice4', 'bob4'],
    });
    tap.drop = (f) => f.type === 'ack';
    const sending = sender.client.send(conversationId, 'once only');
    await waitFor(() => bob.messages.length === 1, 'bob receives the first copy');
    tap.drop = () => false;
    tap.cut(); // the ack never arrived: the outbox still holds the message
    const ack = await sending;
    expect(tap.sent.filter((f) => f.type === 'send')).toHaveLength(2);
    expect(ack.seq).toBe(1);
    await new Promise((r) => setTimeout(r, 300));
    expect(bodies(bob.messages)).toEqual(['once only']);
    const history = await bob.client.history(conversationId);
    expect(history.map((m) => m.seq)).toEqual([1]);
  });

  it('a lost push leaves a gap; the next live message triggers a sync; every seq is delivered once, in order', async () => {
    const tap = new WireTap();
    const alice = track(await connectClient(server, 'alice5'));
    const { conversationId: groupId } = await alice.client.createConversation({
      kind: 'group',
      members: ['alice5', 'bob5', 'carol5'],
      title: 'gap test',
    });
    const bob = track(await connectClient(server, 'bob5', { WebSocket: tap.WebSocket }));
    let dropped = 0;
    tap.drop = (f) => f.type === 'message' && f.seq === 2 && dropped++ === 0; // lose the live push only
    for (const body of ['one', 'two', 'three']) await alice.client.send(groupId, body);
    await waitFor(() => bob.messages.length === 3, 'bob has all three');
    expect(bob.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(bodies(bob.messages)).toEqual(['one', 'two', 'three']);
    expect(tap.sent).toContainEqual({ type: 'sync', cursors: { [groupId]: 1 } });
    await alice.client.send(groupId, 'four');
    await waitFor(() => bob.messages.length === 4, 'bob has four');
    expect(dropped).toBeGreaterThan(0);
    expect(bob.messages.map((m) => m.seq)).toEqual([1, 2, 3, 4]);
  });

  it('detects a dead connection (no pong) and reconnects', async () => {
    const tap = new WireTap();
    const t = track(
      await connectClient(server, 'alice6', {
        WebSocket: tap.WebSocket,
        heartbeatMs: 100,
        pongTimeoutMs: 200,
      }),
    );
    tap.drop = () => true; // a black hole: the socket stays "open" but nothing comes back
    await waitFor(() => t.states.includes('reconnecting'), 'reconnecting');
    tap.drop = () => false;
    await waitFor(
      () => t.states.lastIndexOf('open') > t.states.indexOf('reconnecting'),
      'open again',
    );
  });
});
