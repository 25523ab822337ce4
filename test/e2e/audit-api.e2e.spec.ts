import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SignedCheckpoint, verifyCheckpoint } from '../../libs/audit/src/signed-checkpoint';
import { runCli } from '../../apps/cli/src/testing/cli-process';
import { eventually } from '../support/eventually';
import { Api, api, devToken, ServerProcess, startServer } from '../support/server-process';

/** A dev token with roles (POST /v1/auth/dev-token {userId, roles}). */
async function tokenWithRoles(baseUrl: string, userId: string, roles: string[]): Promise<string> {
  const res = await api(baseUrl).post('/v1/auth/dev-token', { userId, roles });
  if (res.status !== 200) throw new Error(`dev-token ${res.status}: ${JSON.stringify(res.body)}`);
  return res.body.token;
}

/**
 * The audit API (/v1/audit) of the started all-in-one process, as an auditor uses it: a
 * conversation's history with its chain verdict, one message's lifecycle, a user's activity in a
 * time window, and signed checkpoints of the global log that verify with the served public key,
 * agree with the CLI's over the same data and key, and stay consistent as the log grows.
 */
describe('Audit API (/v1/audit), end to end', () => {
  let server: ServerProcess;
  let alice: Api;
  let bob: Api;
  let carol: Api;
  let auditor: Api;
  let analyst: Api;
  let conversation: string;
  let work: string;
  let startedAt: Date;
  const sent: { seq: number; messageId: string; body: string }[] = [];
  const keyFile = () => join(server.dataDir, 'audit', 'audit-key.pem');
  const chat = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);

  const send = async (count: number) => {
    for (let i = 0; i < count; i++) {
      const body = `audited message ${sent.length + 1}`;
      const res = await alice.post(`/v1/conversations/${conversation}/messages`, {
        clientMessageId: `audit-${sent.length + 1}`,
        body,
      });
      expect(res.status).toBe(201);
      sent.push({ ...res.body, body });
    }
  };

  beforeAll(async () => {
    server = await startServer();
    work = mkdtempSync(join(tmpdir(), 'audit-api-'));
    startedAt = new Date();
    alice = api(server.baseUrl, await devToken(server.baseUrl, 'alice'));
    bob = api(server.baseUrl, await devToken(server.baseUrl, 'bob'));
    carol = api(server.baseUrl, await devToken(server.baseUrl, 'carol'));
    auditor = api(server.baseUrl, await tokenWithRoles(server.baseUrl, 'eve', ['auditor']));
    analyst = api(server.baseUrl, await tokenWithRoles(server.baseUrl, 'ann', ['user', 'analyst']));
    const created = await alice.post('/v1/conversations', {
      kind: 'group',
      members: ['bob', 'carol'],
      title: 'audited',
    });
    expect(created.status).toBe(201);
    conversation = created.body.conversationId;
    await send(5);
  });

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  const paths = () => [
    `/v1/audit/conversations/${conversation}`,
    `/v1/audit/conversations/${conversation}/messages/1`,
    `/v1/audit/users/alice/activity?from=${startedAt.toISOString()}&to=${new Date(
      startedAt.getTime() + 3_600_000,
    ).toISOString()}`,
    '/v1/audit/checkpoint',
    '/v1/audit/public-key',
  ];

  it('a user gets 403 forbidden on every audit endpoint, without a token 401', async () => {
    for (const path of paths()) {
      const res = await alice.get(path);
      expect({ path, status: res.status, body: res.body }).toEqual({
        path,
        status: 403,
        body: {
          error: { code: 'forbidden', message: expect.stringMatching(/auditor or analyst/) },
        },
      });
      expect((await api(server.baseUrl).get(path)).status).toBe(401);
    }
  });

  it('dev tokens take only known roles', async () => {
    const res = await api(server.baseUrl).post('/v1/auth/dev-token', {
      userId: 'mallory',
      roles: ['admin'],
    });
    expect(res.status).toBe(400);
    expect(res.body.error.code).toBe('invalid_request');
  });

  it('the history is every event of the conversation in order, as sent, and its chain verifies', async () => {
    const res = await auditor.get(`/v1/audit/conversations/${conversation}`);
    expect(res.status).toBe(200);
    const { events, chain, next } = res.body;
    expect(next).toBeNull();
    expect(chain).toMatchObject({ ok: true, wholeStream: true, anchoredTo: null });
    expect(events.map((e: any) => e.revision)).toEqual([0, 1, 2, 3, 4, 5]);
    expect(events.map((e: any) => e.type)).toEqual([
      'ConversationStarted',
      ...sent.map(() => 'MessageSent'),
    ]);
    expect(events[0].data).toMatchObject({ kind: 'group', startedBy: 'alice' });
    events.slice(1).forEach((e: any, i: number) => {
      expect(e.data).toMatchObject({
        seq: sent[i].seq,
        messageId: sent[i].messageId,
        body: sent[i].body,
        senderId: 'alice',
      });
      expect(e.metadata).toMatchObject({
        actor: 'alice',
        eventId: expect.any(String),
        timestamp: expect.any(String),
        prevHash: events[i].metadata.hash,
        hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(e.position > events[i].position).toBe(true);
    });

    // Paged: two events a page, each page anchored to the one before.
    const pages = [];
    for (let from: number | null = 0; from !== null;) {
      const page: any = await analyst.get(
        `/v1/audit/conversations/${conversation}?fromRevision=${from}&limit=2`,
      );
      expect(page.status).toBe(200);
      expect(page.body.chain.ok).toBe(true);
      pages.push(page.body);
      from = page.body.next;
    }
    expect(pages.map((p) => p.events.map((e: any) => e.revision))).toEqual([
      [0, 1],
      [2, 3],
      [4, 5],
    ]);
    expect(pages[1].chain.anchoredTo).toEqual({ revision: 1, hash: events[1].metadata.hash });

    expect((await auditor.get('/v1/audit/conversations/no-such-thing')).status).toBe(404);
    expect((await auditor.get(`/v1/audit/conversations/${conversation}?limit=0`)).status).toBe(400);
    expect((await auditor.get('/v1/audit/conversations/bad%20id')).status).toBe(400);
  });

  it("a message's lifecycle shows when each member had it delivered and read", async () => {
    const before = await auditor.get(`/v1/audit/conversations/${conversation}/messages/2`);
    expect(before.status).toBe(200);
    expect(before.body).toMatchObject({
      seq: 2,
      sentBy: 'alice',
      message: { type: 'MessageSent', data: { seq: 2, body: sent[1].body } },
      receipts: [
        { userId: 'bob', delivered: null, read: null },
        { userId: 'carol', delivered: null, read: null },
      ],
    });

    expect(
      (await bob.post(`/v1/conversations/${conversation}/delivered`, { upToSeq: 3 })).status,
    ).toBe(200);
    expect((await bob.post(`/v1/conversations/${conversation}/read`, { upToSeq: 2 })).status).toBe(
      200,
    );
    expect(
      (await carol.post(`/v1/conversations/${conversation}/delivered`, { upToSeq: 5 })).status,
    ).toBe(200);
    expect(
      (await carol.post(`/v1/conversations/${conversation}/read`, { upToSeq: 1 })).status,
    ).toBe(200);

    const after = await auditor.get(`/v1/audit/conversations/${conversation}/messages/2`);
    expect(after.status).toBe(200);
    const [bobs, carols] = after.body.receipts;
    expect(bobs).toEqual({
      userId: 'bob',
      delivered: expect.objectContaining({
        type: 'MessageDelivered',
        upToSeq: 3,
        at: expect.any(String),
      }),
      read: expect.objectContaining({
        type: 'MessageRead',
        upToSeq: 2,
        eventId: expect.any(String),
      }),
    });
    expect(carols).toEqual({
      userId: 'carol',
      delivered: expect.objectContaining({ type: 'MessageDelivered', upToSeq: 5 }),
      read: null, // her read watermark (1) is below seq 2
    });
    // The event ids are those of the stream.
    const history = await auditor.get(`/v1/audit/conversations/${conversation}`);
    const byId = new Map(history.body.events.map((e: any) => [e.metadata.eventId, e]));
    expect((byId.get(bobs.read.eventId) as any).type).toBe('MessageRead');
    expect((byId.get(bobs.delivered.eventId) as any).metadata.actor).toBe('bob');

    const seq1 = await auditor.get(`/v1/audit/conversations/${conversation}/messages/1`);
    expect(seq1.body.receipts.find((r: any) => r.userId === 'carol').read).toMatchObject({
      upToSeq: 1,
    });

    const missing = await auditor.get(`/v1/audit/conversations/${conversation}/messages/99`);
    expect(missing.status).toBe(404);
    expect((await auditor.get(`/v1/audit/conversations/${conversation}/messages/0`)).status).toBe(
      400,
    );
  });

  it("a user's activity: the events they wrote in the range, none out of it, paged", async () => {
    const from = new Date(startedAt.getTime() - 1000).toISOString();
    const to = new Date(Date.now() + 60_000).toISOString();
    const alices = await auditor.get(`/v1/audit/users/alice/activity?from=${from}&to=${to}`);
    expect(alices.status).toBe(200);
    expect(alices.body.next).toBeNull();
    expect(alices.body.events.map((e: any) => e.type)).toEqual([
      'ConversationStarted',
      ...sent.map(() => 'MessageSent'),
    ]);
    expect(alices.body.events.every((e: any) => e.metadata.actor === 'alice')).toBe(true);

    const bobs = await auditor.get(`/v1/audit/users/bob/activity?from=${from}&to=${to}`);
    expect(bobs.body.events.map((e: any) => [e.type, e.data.upToSeq])).toEqual([
      ['MessageDelivered', 3],
      ['MessageRead', 2],
    ]);

    // Paged by two: the same events, following `next`.
    const paged = [];
    let after = '';
    for (let page = 0; page < 10; page++) {
      const res = await analyst.get(
        `/v1/audit/users/alice/activity?from=${from}&to=${to}&limit=2${after && `&after=${after}`}`,
      );
      expect(res.status).toBe(200);
      paged.push(...res.body.events);
      if (res.body.next === null) break;
      after = res.body.next;
    }
    expect(paged).toEqual(alices.body.events);

    // Out of the range: a day before the test, and a window ending before the first send.
    const dayBefore = new Date(startedAt.getTime() - 86_400_000);
    const earlier = await auditor.get(
      `/v1/audit/users/alice/activity?from=${new Date(dayBefore.getTime() - 3_600_000).toISOString()}&to=${dayBefore.toISOString()}`,
    );
    expect(earlier.body).toMatchObject({ events: [], next: null });
    const firstSend = alices.body.events[1].metadata.timestamp;
    const untilFirstSend = await auditor.get(
      `/v1/audit/users/alice/activity?from=${from}&to=${firstSend}`,
    );
    expect(untilFirstSend.body.events).toEqual(
      alices.body.events.filter((e: any) => e.metadata.timestamp < firstSend),
    );
    expect(untilFirstSend.body.events.length).toBeLessThan(alices.body.events.length);

    for (const bad of [
      `from=${from}`,
      `from=yesterday&to=${to}`,
      `from=${to}&to=${from}`,
      `from=2025-01-01T00:00:00Z&to=2025-03-01T00:00:00Z`,
      `from=${from}&to=${to}&limit=501`,
    ]) {
      const res = await auditor.get(`/v1/audit/users/alice/activity?${bad}`);
      expect({ bad, status: res.status, code: res.body.error?.code }).toEqual({
        bad,
        status: 400,
        code: 'invalid_request',
      });
    }
  });

  let first: SignedCheckpoint;

  it('the checkpoint verifies with the served public key and equals the CLI’s at the same size', async () => {
    const pem = await auditor.raw('GET', '/v1/audit/public-key');
    expect(pem.status).toBe(200);
    expect(pem.body).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    writeFileSync(join(work, 'audit.pub.pem'), pem.body);

    // No write happens now: the CLI's pass and the server's tree see the same log.
    const cli = await chat('audit', 'checkpoint');
    expect(cli.code).toBe(0);
    const fromCli = JSON.parse(cli.stdout) as SignedCheckpoint;
    expect(fromCli.treeSize).toBe(1 + sent.length + 4); // started, sends, four receipts
    const res = await eventually(
      () => auditor.get('/v1/audit/checkpoint'),
      (r) => r.status === 200 && r.body.treeSize === fromCli.treeSize,
    );
    first = res.body;
    expect(first).toEqual({
      origin: 'eventchat/audit-log',
      treeSize: fromCli.treeSize,
      rootHash: fromCli.rootHash,
      time: expect.any(String),
      signature: expect.any(String),
    });
    expect(verifyCheckpoint(first, pem.body)).toEqual({ ok: true });
    expect(verifyCheckpoint(fromCli, pem.body)).toEqual({ ok: true }); // one key: the data dir's
    // Asked again at the same size: the same signed checkpoint.
    expect((await analyst.get('/v1/audit/checkpoint')).body).toEqual(first);
    writeFileSync(join(work, 'checkpoint-1.json'), JSON.stringify(first));
  });

  it('grows after more sends, consistently with the earlier checkpoint (CLI audit verify)', async () => {
    await send(6);
    const grown = await eventually(
      () => auditor.get('/v1/audit/checkpoint'),
      (r) => r.status === 200 && r.body.treeSize === first.treeSize + 6,
    );
    const pem = (await auditor.raw('GET', '/v1/audit/public-key')).body;
    expect(verifyCheckpoint(grown.body, pem)).toEqual({ ok: true });
    expect(grown.body.rootHash).not.toBe(first.rootHash);

    const run = await chat(
      'audit',
      'verify',
      '--checkpoint',
      join(work, 'checkpoint-1.json'),
      '--key',
      keyFile(),
      '--json',
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({
      ok: true,
      checkpoint: { treeSize: first.treeSize, rootHash: first.rootHash },
      log: { treeSize: grown.body.treeSize, rootHash: grown.body.rootHash },
    });
    expect(report.checks.map((c: any) => [c.check, c.ok])).toEqual([
      ['checkpoint-signature', true],
      ['old-root', true],
      ['consistency', true],
    ]);
  });

  it('the OpenAPI document lists the audit paths', async () => {
    const doc = await alice.get('/v1/openapi.yaml');
    for (const path of [
      '/v1/audit/conversations/{id}:',
      '/v1/audit/conversations/{id}/messages/{seq}:',
      '/v1/audit/users/{id}/activity:',
      '/v1/audit/checkpoint:',
      '/v1/audit/public-key:',
    ])
      expect(doc.body).toContain(path);
  });
});
