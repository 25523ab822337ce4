import { eventually } from '../support/eventually';
import {
  Api,
  ServerProcess,
  api,
  devToken,
  newDataDir,
  sleep,
  startServer,
} from '../support/server-process';
import { WsTestClient } from './ws-test-client';

/**
 * Readiness against real faults of the projector, through the started process:
 * - projection lag over PROJECTION_LAG_READY_BOUND_MS, under a burst of sends;
 * - the projector worker thread dying: it runs out of memory for real under a heap limit too
 *   small for a burst of large messages (PROJECTOR_MAX_OLD_SPACE_MB, passed to the worker as
 *   resourceLimits). Then either the worker exits and the main thread keeps restarting it, each
 *   restart dying again on the same backlog; or, when V8 ended it inside a read-model
 *   transaction, lmdb-js's cleanup of the terminated thread hangs on the transaction's lock and
 *   the thread never exits (it stops sending its heartbeat). Either way readiness stays 503
 *   naming `projector` while the rest of the process serves. Restarted with enough heap, the
 *   projector catches up and readiness is 200. (A hung worker also keeps the process from
 *   exiting on SIGTERM: Node joins worker threads on exit; it takes a SIGKILL, as an
 *   orchestrator sends after its grace period.)
 */
describe('readiness against projector faults', () => {
  const servers: ServerProcess[] = [];
  const sockets: WsTestClient[] = [];

  afterAll(async () => {
    sockets.forEach((s) => s.terminate());
    await Promise.all(servers.map((s) => s.kill()));
  });

  const start = async (env: Record<string, string>, dataDir = newDataDir()) => {
    const server = await startServer({ dataDir, env: { HTTP_RATE_LIMIT_PER_SECOND: '0', ...env } });
    servers.push(server);
    return server;
  };

  /** A direct conversation alice → bob; alice's API. */
  const chat = async (server: ServerProcess): Promise<{ alice: Api; conversationId: string }> => {
    const alice = api(server.baseUrl, await devToken(server.baseUrl, 'alice'));
    await devToken(server.baseUrl, 'bob');
    const created = await alice.post('/v1/conversations', { kind: 'direct', members: ['bob'] });
    expect(created.status).toBe(201);
    return { alice, conversationId: created.body.conversationId };
  };

  /** SIGTERM, then SIGKILL if the process has not exited within `graceMs`. */
  const stopOrKill = async (server: ServerProcess, graceMs: number) => {
    let timer: NodeJS.Timeout | undefined;
    const grace = new Promise((done) => (timer = setTimeout(done, graceMs)));
    await Promise.race([server.stop(), grace]);
    clearTimeout(timer);
    await server.kill();
  };

  const failing = (ready: { body: any }, component: string) =>
    ready.body.components?.find((c: any) => c.component === component && c.status === 'failing');

  it('answers 503 naming projection-lag while the lag is over the bound, 200 once caught up', async () => {
    const server = await start({ PROJECTION_LAG_READY_BOUND_MS: '1' });
    const { alice, conversationId } = await chat(server);
    await eventually(
      () => alice.get('/health/ready'),
      (r) => r.status === 200,
    );

    const seen: { status: number; body: any }[] = [];
    let sending = true;
    const polling = (async () => {
      while (sending) {
        seen.push(await alice.get('/health/ready'));
        await sleep(2);
      }
    })();
    for (let round = 0; round < 10; round++)
      await Promise.all(
        Array.from({ length: 100 }, (_, i) =>
          alice.post(`/v1/conversations/${conversationId}/messages`, {
            clientMessageId: `m-${round}-${i}`,
            body: 'y'.repeat(2_000),
          }),
        ),
      );
    sending = false;
    await polling;

    const lagging = seen.find((r) => failing(r, 'projection-lag'));
    expect(lagging?.status).toBe(503);
    expect(failing(lagging!, 'projection-lag').error).toMatch(
      /oldest event not yet projected .* is \d+ ms old, over the bound of 1 ms/,
    );
    expect(failing(lagging!, 'projector')).toBeUndefined();
    await eventually(
      () => alice.get('/health/ready'),
      (r) => r.status === 200,
    );
  });

  it('answers 503 naming the projector when its worker thread dies, and keeps serving', async () => {
    const dataDir = newDataDir();
    const server = await start({ PROJECTOR_MAX_OLD_SPACE_MB: '16' }, dataDir);
    const { alice, conversationId } = await chat(server);
    const [aliceWs, bobWs] = await Promise.all(
      ['alice', 'bob'].map(async (user) =>
        WsTestClient.open(server.wsUrl, await devToken(server.baseUrl, user)),
      ),
    );
    sockets.push(aliceWs, bobWs);

    const big = 'z'.repeat(90_000);
    const acked: number[] = [];
    for (let round = 0; round < 8; round++) {
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          alice.post(`/v1/conversations/${conversationId}/messages`, {
            clientMessageId: `big-${round}-${i}`,
            body: big,
          }),
        ),
      );
      for (const res of results) {
        expect(res.status).toBe(201); // the log takes them whatever the projector does
        acked.push(res.body.seq);
      }
    }

    const dead = await eventually(
      () => alice.get('/health/ready'),
      (r) => /out of memory|has not answered/.test(failing(r, 'projector')?.error ?? ''),
      30_000,
    );
    expect(dead.status).toBe(503);
    expect(failing(dead, 'projector').error).toMatch(
      /^the projector worker (exited \(code 1: .*out of memory\)|has not answered for \d+ ms)/,
    );

    // The process stays up: liveness, reads of what was projected, sends, the sockets.
    expect((await alice.get('/health/live')).status).toBe(200);
    const view = await alice.get(`/v1/conversations/${conversationId}`);
    expect(view.status).toBe(200);
    expect(view.body.lastSeq).toBeLessThan(acked.length);
    const send = await alice.post(`/v1/conversations/${conversationId}/messages`, {
      clientMessageId: 'small',
      body: 'still accepted',
    });
    expect(send.status).toBe(201);
    aliceWs.send({ type: 'typing', conversationId });
    expect(await bobWs.waitFor((f) => f.type === 'typing')).toMatchObject({ userId: 'alice' });
    // Still dead a while later: every restart dies on the same backlog.
    await sleep(3_000);
    expect(failing(await alice.get('/health/ready'), 'projector')).toBeDefined();

    // The operator gives the projector more memory (a restart): it catches up.
    await stopOrKill(server, 20_000);
    const again = await start({}, dataDir);
    const alice2 = api(again.baseUrl, await devToken(again.baseUrl, 'alice'));
    await eventually(
      () => alice2.get(`/v1/conversations/${conversationId}`),
      (r) => r.body.lastSeq === send.body.seq,
      30_000,
    );
    expect((await alice2.get('/health/ready')).status).toBe(200);
  }, 120_000);
});
