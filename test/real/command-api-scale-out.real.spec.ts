import { verifyChain } from '../../libs/event-store/src/hash-chain';
import { ServerProcess, api, devToken } from '../support/server-process';
import { sentMessages, startCommandApi, storedConversation } from './production-stack';

/**
 * Two command-api processes on one PostgreSQL event store accept commands for the same
 * conversation at once: seqs stay dense, the hash chain intact, and a clientMessageId retried
 * through the other process never makes a second message.
 */
describe('command API scaled out on PostgreSQL', () => {
  let a: ServerProcess;
  let b: ServerProcess;
  let conversationId: string;
  let alice: ReturnType<typeof api>[];

  beforeAll(async () => {
    [a, b] = await Promise.all([startCommandApi(), startCommandApi()]);
    const token = await devToken(a.baseUrl, 'alice');
    alice = [api(a.baseUrl, token), api(b.baseUrl, token)];
    const started = await alice[0].post('/v1/conversations', {
      kind: 'group',
      members: ['bob', 'carol'],
      title: 'scale-out',
    });
    expect(started.status).toBe(201);
    conversationId = started.body.conversationId;
  });
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
  });

  const send = (via: number, clientMessageId: string) =>
    alice[via].post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId,
      body: `hello ${clientMessageId}`,
    });

  it('200 sends spread over both processes, 40 in flight, get dense seqs and one valid chain', async () => {
    const acks: { seq: number; clientMessageId: string }[] = [];
    const ids = Array.from({ length: 200 }, (_, i) => `dense-${i}`);
    for (let i = 0; i < ids.length; i += 40) {
      const batch = ids.slice(i, i + 40);
      const responses = await Promise.all(batch.map((id, j) => send(j % 2, id)));
      responses.forEach((r, j) => {
        expect(r.status).toBe(201);
        acks.push({ seq: r.body.seq, clientMessageId: batch[j] });
      });
    }
    expect(acks.map((x) => x.seq).sort((x, y) => x - y)).toEqual(ids.map((_, i) => i + 1));
    const stored = await storedConversation(conversationId);
    expect(verifyChain(stored)).toEqual({ ok: true });
    const messages = sentMessages(stored);
    expect(messages.map((m) => m.seq)).toEqual(ids.map((_, i) => i + 1));
    for (const ack of acks)
      expect(messages.find((m) => m.clientMessageId === ack.clientMessageId)?.seq).toBe(ack.seq);
  });

  it('the same clientMessageId sent to both processes at once is stored exactly once', async () => {
    const ids = Array.from({ length: 20 }, (_, i) => `twice-${i}`);
    const pairs = await Promise.all(ids.map((id) => Promise.all([send(0, id), send(1, id)])));
    for (const [first, second] of pairs) {
      expect([first.status, second.status]).toEqual([201, 201]); // a retry answers like the original
      expect(first.body).toEqual(second.body);
    }
    const messages = sentMessages(await storedConversation(conversationId));
    for (const id of ids) expect(messages.filter((m) => m.clientMessageId === id)).toHaveLength(1);
    // A late retry, through either process, still gets the original.
    const late = await send(1, ids[0]);
    expect(late.body).toEqual(pairs[0][0].body);
  });
});
