import type { Socket } from 'node:net';
import { eventually } from '../support/eventually';
import { ServerProcess, api, devToken, sleep, startServer } from '../support/server-process';
import { Frame, WsTestClient, range } from './ws-test-client';

/**
 * Repeated `sync` frames for one conversation on one socket while messages keep arriving.
 *
 * The contract (docs/asyncapi.yaml, `sync`): a sync replays seq > its cursor in order, then
 * `synced`, then the conversation is live, with no gap and no duplicate within that stream.
 * A sync of a conversation whose replay is still running is refused with `sync_in_progress`
 * and re-sends nothing. A sync accepted after an earlier one finished is a new replay from
 * its own cursor: it re-delivers seq > cursor once more, legitimately (a client that has
 * them sends its last seq as the cursor). So the receiver's `message` frames must be a
 * concatenation of runs, one per accepted sync, each contiguous from that sync's cursor + 1,
 * and together 1..N. When only one sync is accepted that is exactly 1..N, each seq once.
 * Receivers connect with `awaitSync=1`, so no live frame precedes their first sync.
 *
 * Two syncs sent back to back on separate writes are refused or accepted depending on
 * whether the first replay finished before the second frame was read; accepted, the second
 * re-delivers 1..(what the first had sent) — the "duplicates" a looser assertion once saw.
 */
describe('WebSocket repeated sync of one conversation, end to end', () => {
  const N = 600;
  let server: ServerProcess;
  const clients: WsTestClient[] = [];
  let pairs = 0;

  beforeAll(async () => {
    server = await startServer({
      env: { WS_FRAMES_PER_SECOND: '5000', WS_USER_FRAMES_PER_SECOND: '10000' },
    });
  });
  afterAll(async () => {
    clients.forEach((c) => c.terminate());
    await server?.kill();
  });

  /** A fresh sender/receiver pair and their direct conversation. */
  const directConversation = async () => {
    const n = ++pairs;
    const [sender, receiver] = await Promise.all(
      [`dbl-sender-${n}`, `dbl-receiver-${n}`].map((u) => devToken(server.baseUrl, u)),
    );
    const res = await api(server.baseUrl, sender).post('/v1/conversations', {
      kind: 'direct',
      members: [`dbl-receiver-${n}`],
    });
    expect(res.status).toBe(201);
    const conversationId = res.body.conversationId as string;
    // Created is durable, not yet projected: a sync before that is answered not_a_member.
    await eventually(
      () => api(server.baseUrl, receiver).get(`/v1/conversations/${conversationId}`),
      (r) => r.status === 200,
    );
    return { conversationId, sender, receiver };
  };

  const connect = async (token: string, query = '') => {
    const c = await WsTestClient.open(server.wsUrl, token, query);
    clients.push(c);
    return c;
  };

  /** Sends N messages, up to 20 in flight; `acked()` counts the acks so far. */
  const startSending = async (token: string, conversationId: string) => {
    const sender = await connect(token);
    let next = 1;
    let acked = 0;
    const worker = async () => {
      while (next <= N) {
        const ack = await sender.sendMessage(conversationId, `m-${next++}`);
        expect(ack.type).toBe('ack');
        acked++;
      }
    };
    const done = Promise.all(range(1, 20).map(worker));
    return { done, acked: () => acked };
  };

  const waitUntil = async (cond: () => boolean, what: string, timeoutMs = 30_000) => {
    const deadline = Date.now() + timeoutMs;
    while (!cond()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await sleep(5);
    }
  };

  /** A receiver socket that records the cursor of every sync it sends. */
  class Receiver {
    readonly cursors: number[] = [];
    private constructor(
      readonly c: WsTestClient,
      readonly conversationId: string,
    ) {}

    static async open(token: string, conversationId: string): Promise<Receiver> {
      return new Receiver(await connect(token, 'awaitSync=1'), conversationId);
    }

    /** This conversation's message, synced and refused-sync frames, in arrival order. */
    get frames(): Frame[] {
      const id = this.conversationId;
      return this.c.frames.filter((f) =>
        f.type === 'error' ? f.ref === id : f.conversationId === id,
      );
    }
    get seqs(): number[] {
      return this.frames.filter((f) => f.type === 'message').map((f) => f.seq as number);
    }
    get last(): number {
      return this.seqs.at(-1) ?? 0;
    }
    get answers(): number {
      return this.frames.filter((f) => f.type === 'synced' || f.type === 'error').length;
    }
    get refused(): number {
      return this.frames.filter((f) => f.type === 'error').length;
    }

    /** Sync frames; `oneWrite` puts them in one TCP write, so the server handles them in one turn. */
    sync(cursors: number[], oneWrite = false): void {
      // ws has no batching API: cork its (internal) TCP socket around the sends.
      const socket = (this.c.ws as unknown as { _socket: Socket })._socket;
      if (oneWrite) socket.cork();
      for (const cursor of cursors) {
        this.cursors.push(cursor);
        this.c.send({ type: 'sync', cursors: { [this.conversationId]: cursor } });
      }
      if (oneWrite) socket.uncork();
    }

    async settled(): Promise<void> {
      await waitUntil(
        () => this.answers === this.cursors.length && this.last === N,
        `all ${this.cursors.length} syncs answered and seq ${N} (answers ${this.answers}, last ${this.last})`,
      );
      await sleep(50); // anything after N would be a duplicate: give it a moment to show up
    }

    /** Checks the contract above; returns the runs (one per sync that re-sent something). */
    check(): number[][] {
      const runs: number[][] = [];
      for (const f of this.frames) {
        if (f.type === 'error') expect(f.code).toBe('sync_in_progress');
        if (f.type === 'synced') expect(f.lastSeq).toBe(runs.at(-1)?.at(-1) ?? this.cursors[0]);
        if (f.type !== 'message') continue;
        const run = runs.at(-1);
        if (run && f.seq === run.at(-1)! + 1) run.push(f.seq);
        else runs.push([f.seq]);
      }
      // Each run starts right after the cursor of a later sync than the previous run's: a
      // seq repeated (or skipped) within one sync's stream starts a run nothing explains.
      let k = 0;
      for (const run of runs) {
        while (k < this.cursors.length && this.cursors[k] + 1 !== run[0]) k++;
        if (k === this.cursors.length)
          throw new Error(
            `a run starts at seq ${run[0]} after seq ${runs[runs.indexOf(run) - 1]?.at(-1)}, ` +
              `which no sync explains (cursors ${JSON.stringify(this.cursors)}; ` +
              `runs ${JSON.stringify(runs.map((r) => [r[0], r.at(-1)]))})`,
          );
        k++;
      }
      expect(runs.length).toBeLessThanOrEqual(this.cursors.length - this.refused);
      expect([...new Set(this.seqs)].sort((a, b) => a - b)).toEqual(range(1, N));
      expect(runs.at(-1)!.at(-1)).toBe(N);
      return runs;
    }
  }

  it.each([
    { syncs: 2, after: 60, what: 'a one-page replay' },
    { syncs: 3, after: 450, what: 'a replay of several pages' },
  ])(
    '$syncs syncs in one write during $what: the extra ones are refused, every seq arrives once',
    async ({ syncs, after }) => {
      const { conversationId, sender, receiver } = await directConversation();
      const sending = await startSending(sender, conversationId);
      await waitUntil(() => sending.acked() >= after, `${after} acks`);
      const r = await Receiver.open(receiver, conversationId);
      r.sync(Array(syncs).fill(0), true);
      await sending.done;
      await r.settled();
      expect(r.refused).toBe(syncs - 1);
      expect(r.seqs).toEqual(range(1, N));
      r.check();
    },
    60_000,
  );

  it('back-to-back syncs in separate writes: refused, or a second full replay, never a duplicate within one', async () => {
    const { conversationId, sender, receiver } = await directConversation();
    const receivers = await Promise.all(
      range(1, 8).map(() => Receiver.open(receiver, conversationId)),
    );
    const sending = await startSending(sender, conversationId);
    await waitUntil(() => sending.acked() >= 40, '40 acks');
    // 0, 1, 2, 4… 64 ms between the two frames: the second one lands during or after the first
    // replay (which takes a turn or two of the server's event loop).
    await Promise.all(
      receivers.map(async (r, i) => {
        r.sync([0]);
        if (i > 0) await sleep(2 ** i / 2);
        r.sync([0]);
      }),
    );
    await sending.done;
    for (const r of receivers) {
      await r.settled();
      const runs = r.check();
      // Refused: one stream 1..N. Accepted: the second stream re-delivers 1.. once more.
      expect(runs.map((run) => run[0])).toEqual(r.refused === 1 ? [1] : [1, 1]);
      if (r.refused === 1) expect(r.seqs).toEqual(range(1, N));
    }
  }, 60_000);

  it('sync again after synced (from 0, from the last seq, from an older seq) while messages flow', async () => {
    const { conversationId, sender, receiver } = await directConversation();
    const sending = await startSending(sender, conversationId);
    await waitUntil(() => sending.acked() >= 50, '50 acks');
    const r = await Receiver.open(receiver, conversationId);
    const syncAndWait = async (cursor: number) => {
      const answers = r.answers;
      r.sync([cursor]);
      await waitUntil(() => r.answers > answers, 'synced');
      const live = r.last;
      await waitUntil(() => r.last >= Math.min(N, live + 30), 'live messages');
    };
    await syncAndWait(0);
    await syncAndWait(0); // everything again, once
    await syncAndWait(r.last); // from where it is: continues, at most what was in flight again
    await syncAndWait(Math.floor(r.last / 2)); // an older cursor while live updates flow
    await sending.done;
    await r.settled();
    expect(r.refused).toBe(0);
    const runs = r.check();
    expect(runs[0][0]).toBe(1);
    expect(runs[1][0]).toBe(1);
    expect(runs.at(-1)![0]).toBe(r.cursors[3] + 1);
  }, 60_000);

  it('a storm of syncs (random cursors and timing, bursts in one write) keeps every stream gap- and duplicate-free', async () => {
    const { conversationId, sender, receiver } = await directConversation();
    const [calm, bursts] = await Promise.all([
      Receiver.open(receiver, conversationId),
      Receiver.open(receiver, conversationId),
    ]);
    calm.sync([0]);
    bursts.sync([0, 0], true);
    const sending = await startSending(sender, conversationId);
    let done = false;
    const stop = () => void (done = true);
    sending.done.then(stop, stop);
    while (!done) {
      await sleep(Math.random() * 30);
      calm.sync([Math.floor(Math.random() * (calm.last + 1))]);
      bursts.sync(Array(2 + Math.floor(Math.random() * 3)).fill(bursts.last), true);
    }
    await sending.done;
    for (const r of [calm, bursts]) {
      await r.settled();
      r.check();
    }
    expect(bursts.refused).toBeGreaterThan(0);
  }, 60_000);
});
