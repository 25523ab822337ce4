import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import { Api, ServerProcess, api, devToken, sleep, startServer } from '../support/server-process';
import { WsTestClient } from './ws-test-client';

/**
 * The data directory on a small file system that fills up, for real: a 40 MiB tmpfs (mounted
 * here; needs root, skipped otherwise) holding a 15 MiB filler file and DATA_DIR. Sends fill it
 * until the event store refuses them with 507 (its free-space reserve, DATA_DIR_MIN_FREE_MB=4,
 * keeps the disk from filling up for good: lmdb-js's memory-mapped files die of SIGBUS on a full
 * disk, which is how the process used to end). The process stays up, reads and an open
 * WebSocket keep working, readiness names the event store; deleting the filler brings sends
 * and readiness back by themselves, and every acknowledged send is readable.
 */
function canMount(): boolean {
  if (process.getuid?.() !== 0) return false;
  const probe = mkdtempSync(join(tmpdir(), 'mount-probe-'));
  try {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=1m', 'tmpfs', probe], { stdio: 'ignore' });
    execFileSync('umount', [probe]);
    return true;
  } catch {
    return false;
  } finally {
    rmSync(probe, { recursive: true, force: true });
  }
}

const mountable = canMount();
if (!mountable) console.log('SKIPPED: disk-full e2e — needs root to mount a tmpfs');

(mountable ? describe : describe.skip)('a data directory whose disk fills up', () => {
  const mountPoint = mkdtempSync(join(tmpdir(), 'chat-disk-full-'));
  const filler = join(mountPoint, 'filler');
  let mounted = false;
  let server: ServerProcess;
  let alice: Api;
  let bob: WsTestClient;
  let conversationId: string;
  /** clientMessageId → the ack of every send that was acknowledged. */
  const acked = new Map<string, { messageId: string; seq: number }>();
  let refusal: { status: number; body: { error: { code: string; message: string } } };

  beforeAll(async () => {
    execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=40m', 'tmpfs', mountPoint]);
    mounted = true;
    writeFileSync(filler, Buffer.alloc(15 * 1024 * 1024));
    server = await startServer({
      dataDir: join(mountPoint, 'data'),
      env: { DATA_DIR_MIN_FREE_MB: '4', HTTP_RATE_LIMIT_PER_SECOND: '0' },
    });
    alice = api(server.baseUrl, await devToken(server.baseUrl, 'alice'));
    const created = await alice.post('/v1/conversations', { kind: 'direct', members: ['bob'] });
    conversationId = created.body.conversationId;
    bob = await WsTestClient.open(server.wsUrl, await devToken(server.baseUrl, 'bob'));
  });

  afterAll(async () => {
    bob?.terminate();
    await server?.kill();
    if (mounted) execFileSync('umount', [mountPoint]);
    rmSync(mountPoint, { recursive: true, force: true });
  });

  const body = 'x'.repeat(3_900);
  const send = (clientMessageId: string) =>
    alice.post(`/v1/conversations/${conversationId}/messages`, { clientMessageId, body });

  const readAll = async () => {
    const messages: { seq: number; messageId: string; clientMessageId: string }[] = [];
    for (;;) {
      const after = messages.at(-1)?.seq ?? 0;
      const page = await alice.get(
        `/v1/conversations/${conversationId}/messages?afterSeq=${after}&limit=200`,
      );
      expect(page.status).toBe(200);
      if (page.body.messages.length === 0) return messages;
      messages.push(...page.body.messages);
    }
  };

  it('refuses sends with 507 insufficient_storage once the disk is nearly full, and stays up', async () => {
    for (let round = 0; round < 500 && !refusal; round++) {
      const ids = Array.from({ length: 20 }, (_, i) => `m-${round * 20 + i}`);
      const results = await Promise.all(ids.map(send));
      results.forEach((res, i) => {
        if (res.status === 201) acked.set(ids[i], res.body);
        else refusal ??= res;
      });
    }
    expect(acked.size).toBeGreaterThan(100);
    expect(refusal).toEqual({
      status: 507,
      body: { error: { code: 'insufficient_storage', message: expect.any(String) } },
    });
    expect((await send('while-full')).status).toBe(507);
    expect((await alice.get('/health/live')).status).toBe(200);
  });

  it('answers readiness 503 naming the event store', async () => {
    const ready = await alice.get('/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body.status).toBe('unavailable');
    expect(ready.body.components).toContainEqual({
      component: 'event-store',
      status: 'failing',
      error: expect.stringMatching(/insufficient_storage.*below the reserve/),
    });
    expect((await alice.get('/health')).status).toBe(503);
  });

  it('keeps serving reads and the open WebSocket', async () => {
    const messages = await eventually(readAll, (m) => m.length === acked.size);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    // A send over the socket is refused with the same code; a sync replays the history.
    bob.send({ type: 'send', conversationId, clientMessageId: 'ws-while-full', body: 'hi' });
    expect(await bob.waitFor((f) => f.type === 'error' && f.ref === 'ws-while-full')).toMatchObject(
      { code: 'insufficient_storage' },
    );
    bob.send({ type: 'sync', cursors: { [conversationId]: acked.size - 3 } });
    await bob.waitForCount(
      (f) => f.type === 'message' && f.conversationId === conversationId && f.seq > acked.size - 3,
      3,
    );
  });

  it('accepts sends again by itself once space is freed, and loses no acknowledged send', async () => {
    unlinkSync(filler);
    let after: Awaited<ReturnType<typeof send>> | undefined;
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      after = await send('after-space-returned');
      if (after.status === 201) break;
      await sleep(100);
    }
    expect(after?.status).toBe(201);
    acked.set('after-space-returned', after!.body);
    await eventually(
      () => alice.get('/health/ready'),
      (r) => r.status === 200,
    );
    expect(
      await bob.waitFor(
        (f) => f.type === 'message' && f.clientMessageId === 'after-space-returned',
      ),
    ).toMatchObject({ seq: acked.size });

    const messages = await eventually(readAll, (m) => m.length === acked.size);
    expect(messages.map((m) => m.seq)).toEqual(messages.map((_, i) => i + 1));
    for (const message of messages)
      expect(acked.get(message.clientMessageId)).toEqual({
        messageId: message.messageId,
        seq: message.seq,
      });
  });
});
