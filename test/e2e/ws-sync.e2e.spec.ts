import { eventually } from '../support/eventually';
import { ServerProcess, api, devToken, sleep, startServer } from '../support/server-process';
import { Frame, WsTestClient, range } from './ws-test-client';

/**
 * Gap-free resume: a receiver drops its socket (terminate, no close handshake) while the
 * sender keeps sending, reconnects with `awaitSync=1` and `sync` from its last seq, and must
 * end with exactly seq 1..N in order: no gap, no duplicate, across every reconnect.
 */
describe('WebSocket sync and reconnect, end to end', () => {
  const N = 1000;
  let server: ServerProcess;
  const tokens: Record<string, string> = {};
  const clients: WsTestClient[] = [];

  beforeAll(async () => {
    // The sender pushes 1,000 frames quickly: lift the per-connection frame budget for this test.
    server = await startServer({
      env: { WS_FRAMES_PER_SECOND: '5000', WS_USER_FRAMES_PER_SECOND: '10000' },
    });
    for (const u of ['sender', 'receiver']) tokens[u] = await devToken(server.baseUrl, u);
  });
  afterAll(async () => {
    clients.forEach((c) => c.terminate());
    await server?.kill();
  });

  const newConversation = async () => {
    const res = await api(server.baseUrl, tokens.sender).post('/v1/conversations', {
      kind: 'group',
      members: ['receiver'],
      title: `s${Date.now()}`,
    });
    expect(res.status).toBe(201);
    return res.body.conversationId as string;
  };

  /** Sends N messages with up to 20 in flight; resolves when all are acknowledged. */
  const sendAll = async (conversationId: string, onAck: (seq: number) => void) => {
    const sender = await WsTestClient.open(server.wsUrl, tokens.sender);
    clients.push(sender);
    let next = 1;
    const worker = async () => {
      while (next <= N) {
        const ack = await sender.sendMessage(conversationId, `m-${conversationId}-${next++}`);
        expect(ack.type).toBe('ack');
        onAck(ack.seq);
      }
    };
    await Promise.all(range(1, 20).map(worker));
  };

  /** A receiver that checks every message frame continues exactly where the last one stopped. */
  class Receiver {
    readonly seqs: number[] = [];
    socket?: WsTestClient;
    reconnects = 0;
    constructor(private readonly conversationId: string) {}

    get last(): number {
      return this.seqs.at(-1) ?? 0;
    }

    async connect(): Promise<void> {
      const c = await WsTestClient.open(server.wsUrl, tokens.receiver, 'awaitSync=1');
      clients.push(c);
      this.socket = c;
      this.reconnects++;
      c.ws.on('message', (data) => {
        const f = JSON.parse(String(data)) as Frame;
        if (c === this.socket && f.type === 'message' && f.conversationId === this.conversationId)
          this.seqs.push(f.seq);
      });
      c.send({ type: 'sync', cursors: { [this.conversationId]: this.last } });
    }

    drop(): void {
      this.socket?.terminate();
      this.socket = undefined;
    }

    async waitForAll(): Promise<void> {
      const deadline = Date.now() + 30_000;
      while (this.last < N && Date.now() < deadline) await sleep(20);
    }
  }

  it('a receiver that drops mid-stream and resyncs gets exactly 1..N in order', async () => {
    const conversationId = await newConversation();
    const receiver = new Receiver(conversationId);
    await receiver.connect();
    let acked = 0;
    const sending = sendAll(conversationId, () => void acked++);
    while (acked < 300) await sleep(5);
    receiver.drop();
    while (acked < 500) await sleep(5);
    await receiver.connect();
    await sending;
    await receiver.waitForAll();
    expect(receiver.seqs).toEqual(range(1, N));
    await receiver.socket!.waitFor(
      (f) => f.type === 'synced' && f.conversationId === conversationId,
    );
  }, 60_000);

  it('stays gap- and duplicate-free with random disconnects, also during catch-up', async () => {
    const conversationId = await newConversation();
    const receiver = new Receiver(conversationId);
    await receiver.connect();
    let done = false;
    const sending = sendAll(conversationId, () => undefined).finally(() => (done = true));
    while (!done) {
      await sleep(20 + Math.random() * 150);
      receiver.drop();
      await sleep(Math.random() * 100);
      await receiver.connect(); // the replay it starts is often cut by the next drop
    }
    await sending;
    await receiver.waitForAll();
    expect(receiver.reconnects).toBeGreaterThan(3);
    expect(receiver.seqs).toEqual(range(1, N));
  }, 90_000);

  it('replays history after the cursor in seq order, then answers synced', async () => {
    const conversationId = await newConversation();
    await sendAll(conversationId, () => undefined);
    const history = api(server.baseUrl, tokens.receiver);
    await eventually(
      () => history.get(`/v1/conversations/${conversationId}/messages?afterSeq=${N - 1}&limit=1`),
      (r) => r.body.messages?.length === 1,
    );
    const c = await WsTestClient.open(server.wsUrl, tokens.receiver, 'awaitSync=1');
    clients.push(c);
    c.send({ type: 'sync', cursors: { [conversationId]: 250 } });
    const synced = await c.waitFor(
      (f) => f.type === 'synced' && f.conversationId === conversationId,
      20_000,
    );
    expect(synced.lastSeq).toBe(N);
    const replayed = c.of('message').filter((m) => m.conversationId === conversationId);
    const seqs = replayed.map((m) => m.seq);
    expect(seqs).toEqual(range(251, N));
    expect(c.frames.indexOf(synced)).toBeGreaterThan(c.frames.indexOf(replayed.at(-1)!));
  }, 60_000);
});
