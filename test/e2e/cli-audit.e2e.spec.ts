import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { signCheckpoint } from '../../libs/audit/src/signed-checkpoint';
import { ndjson, runCli } from '../../apps/cli/src/testing/cli-process';
import { Api, api, devToken, ServerProcess, startServer } from '../support/server-process';

/**
 * `chat audit …` as an auditor runs it: checkpoints of a running server's log, consistency with
 * an earlier checkpoint after more sends, proofs of inclusion checked offline with the public
 * key alone, and the failures a tampered checkpoint or bundle must produce.
 */
describe('chat audit (CLI on a running server’s data)', () => {
  let server: ServerProcess;
  let alice: Api;
  let conversation: string;
  let work: string;
  let sent = 0;
  const chat = (...args: string[]) => runCli([...args, '--data-dir', server.dataDir]);
  const file = (name: string) => join(work, name);
  const send = async (count: number) => {
    const acks = [];
    for (let i = 0; i < count; i++) {
      sent++;
      const res = await alice.post(`/v1/conversations/${conversation}/messages`, {
        clientMessageId: `m-${sent}`,
        body: `message ${sent}`,
      });
      expect(res.status).toBe(201);
      acks.push(res.body);
    }
    return acks;
  };

  beforeAll(async () => {
    server = await startServer();
    work = mkdtempSync(join(tmpdir(), 'chat-audit-'));
    alice = api(server.baseUrl, await devToken(server.baseUrl, 'alice'));
    conversation = (await alice.post('/v1/conversations', { kind: 'direct', members: ['bob'] }))
      .body.conversationId;
    await send(12);
  });

  afterAll(async () => {
    await server?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('signs a checkpoint over the whole log, with a key generated once (mode 0600)', async () => {
    const run = await chat('audit', 'checkpoint');
    expect(run.code).toBe(0);
    expect(run.stderr).toMatch(/generated a new audit key/);
    const checkpoint = JSON.parse(run.stdout);
    expect(checkpoint).toEqual({
      origin: 'eventchat/audit-log',
      treeSize: 13,
      rootHash: expect.stringMatching(/^[0-9a-f]{64}$/),
      time: expect.any(String),
      signature: expect.any(String),
    });
    writeFileSync(file('checkpoint-1.json'), run.stdout);
    const keyFile = join(server.dataDir, 'audit', 'audit-key.pem');
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);

    const again = await chat('audit', 'checkpoint');
    expect(again.stderr).toBe(''); // the same key, not a new one
    expect(JSON.parse(again.stdout).rootHash).toBe(checkpoint.rootHash);

    const publicKey = await chat('audit', 'public-key');
    expect(publicKey.stdout).toMatch(/^-----BEGIN PUBLIC KEY-----\n/);
    writeFileSync(file('audit.pub.pem'), publicKey.stdout);
  });

  it('after more sends, the log verifies against the old checkpoint (root, signature, consistency)', async () => {
    await send(7);
    const run = await chat(
      'audit',
      'verify',
      '--checkpoint',
      file('checkpoint-1.json'),
      '--public-key',
      file('audit.pub.pem'),
      '--json',
    );
    expect(run.code).toBe(0);
    const report = JSON.parse(run.stdout);
    expect(report).toMatchObject({ ok: true, checkpoint: { treeSize: 13 }, log: { treeSize: 20 } });
    expect(report.checks.map((c: { check: string; ok: boolean }) => [c.check, c.ok])).toEqual([
      ['checkpoint-signature', true],
      ['old-root', true],
      ['consistency', true],
    ]);
    expect(report.consistencyProof.length).toBeGreaterThan(0);
    expect(report.consistencyProof.length).toBeLessThanOrEqual(6); // ⌈log2 20⌉ + 1

    const text = await chat('audit', 'verify', '--checkpoint', file('checkpoint-1.json'));
    expect(text.code).toBe(0); // the public key derived from the data dir's key
    expect(text.stdout).toMatch(/^OK: the log \(20 events/m);
  });

  it('a checkpoint whose root was changed fails, naming the check', async () => {
    const original = JSON.parse(readFileSync(file('checkpoint-1.json'), 'utf8'));
    const root = original.rootHash as string;
    const tampered = { ...original, rootHash: (root[0] === '0' ? '1' : '0') + root.slice(1) };
    writeFileSync(file('tampered.json'), JSON.stringify(tampered));
    const run = await chat('audit', 'verify', '--checkpoint', file('tampered.json'));
    expect(run.code).toBe(3);
    expect(run.stdout).toMatch(/^FAIL {2}checkpoint-signature/m);
    expect(run.stdout).toMatch(/^FAIL {2}old-root/m);
    expect(run.stderr).toMatch(/^chat: verification failed: checkpoint-signature: .*\n$/);

    // Even re-signed by the key's holder, a root the log does not have is caught by the log.
    const keyPem = readFileSync(join(server.dataDir, 'audit', 'audit-key.pem'), 'utf8');
    const resigned = signCheckpoint(
      {
        origin: tampered.origin,
        treeSize: tampered.treeSize,
        rootHash: tampered.rootHash,
        time: tampered.time,
      },
      keyPem,
    );
    writeFileSync(file('resigned.json'), JSON.stringify(resigned));
    const forged = await chat('audit', 'verify', '--checkpoint', file('resigned.json'));
    expect(forged.code).toBe(3);
    expect(forged.stdout).toMatch(/^ok {4}checkpoint-signature/m);
    expect(forged.stderr).toMatch(/^chat: verification failed: old-root: the first 13 events/);
  });

  it('checkpoints while the server is taking sends, and the later log is consistent with it', async () => {
    const burst = send(25);
    const during = await chat('audit', 'checkpoint');
    await burst;
    expect(during.code).toBe(0);
    const checkpoint = JSON.parse(during.stdout);
    expect(checkpoint.treeSize).toBeGreaterThanOrEqual(20);
    writeFileSync(file('during.json'), during.stdout);
    const verify = await chat('audit', 'verify', '--checkpoint', file('during.json'), '--json');
    expect(verify.code).toBe(0);
    expect(JSON.parse(verify.stdout).log.treeSize).toBe(45);
  });

  it('proves an event; the bundle verifies offline with the public key alone', async () => {
    const events = ndjson<{ id: string; type: string }>((await chat('events', 'export')).stdout);
    const target = events[9];
    const run = await chat('audit', 'prove', target.id);
    expect(run.code).toBe(0);
    const bundle = JSON.parse(run.stdout);
    expect(bundle).toMatchObject({
      version: 1,
      event: { leafIndex: 9, hash: expect.stringMatching(/^[0-9a-f]{64}$/) },
      inclusionProof: { leafIndex: 9, treeSize: events.length },
    });
    expect(bundle.inclusionProof.path.length).toBeLessThanOrEqual(
      Math.ceil(Math.log2(events.length)),
    );
    expect(JSON.parse(bundle.event.canonical).metadata.eventId).toBe(target.id);

    // Offline: a directory with the bundle and the public key only, no data dir.
    const offline = mkdtempSync(join(tmpdir(), 'chat-auditor-'));
    try {
      writeFileSync(join(offline, 'proof.json'), run.stdout);
      writeFileSync(join(offline, 'log.pub.pem'), readFileSync(file('audit.pub.pem')));
      const ok = await runCli(
        ['audit', 'verify-proof', 'proof.json', '--public-key', 'log.pub.pem'],
        {
          cwd: offline,
        },
      );
      expect(ok).toMatchObject({ code: 0, stderr: '' });
      expect(ok.stdout).toMatch(/^OK: leaf 9 of the log of \d+ events/);
    } finally {
      rmSync(offline, { recursive: true, force: true });
    }
    writeFileSync(file('proof.json'), run.stdout);
  });

  it('a modified bundle fails, naming the check that caught it', async () => {
    const bundle = JSON.parse(readFileSync(file('proof.json'), 'utf8'));
    const variants: [string, (b: typeof bundle) => void][] = [
      ['event-hash', (b) => (b.event.canonical = b.event.canonical.replace('message', 'massage'))],
      ['leaf-index', (b) => (b.event.leafIndex += 1)],
      ['tree-size', (b) => (b.inclusionProof.treeSize += 1)],
      ['checkpoint-signature', (b) => (b.checkpoint.time = '2000-01-01T00:00:00.000Z')],
      ['inclusion', (b) => (b.inclusionProof.path[0] = 'f'.repeat(64))],
      ['format', (b) => delete b.inclusionProof],
    ];
    for (const [check, modify] of variants) {
      const copy = JSON.parse(JSON.stringify(bundle));
      modify(copy);
      writeFileSync(file(`bad-${check}.json`), JSON.stringify(copy));
      const run = await runCli([
        'audit',
        'verify-proof',
        file(`bad-${check}.json`),
        '--public-key',
        file('audit.pub.pem'),
      ]);
      expect({ check, code: run.code }).toEqual({ check, code: 3 });
      expect(run.stderr).toMatch(new RegExp(`^chat: verification failed: ${check}: .*\\n$`));
    }
  });

  it('proves an event against an earlier checkpoint', async () => {
    const events = ndjson<{ id: string }>((await chat('events', 'export')).stdout);
    const run = await chat(
      'audit',
      'prove',
      events[4].id,
      '--checkpoint',
      file('checkpoint-1.json'),
    );
    expect(run.code).toBe(0);
    writeFileSync(file('proof-old.json'), run.stdout);
    const ok = await runCli([
      'audit',
      'verify-proof',
      file('proof-old.json'),
      '--public-key',
      file('audit.pub.pem'),
      '--json',
    ]);
    expect(ok.code).toBe(0);
    expect(JSON.parse(ok.stdout)).toMatchObject({ ok: true, leafIndex: 4, treeSize: 13 });

    const later = await chat(
      'audit',
      'prove',
      events[30].id,
      '--checkpoint',
      file('checkpoint-1.json'),
    );
    expect(later.code).toBe(1);
    expect(later.stderr).toMatch(/among the first 13 events/);
    const unknown = await chat('audit', 'prove', 'no-such-event');
    expect(unknown.code).toBe(1);
    expect(unknown.stderr).toMatch(/no event no-such-event/);
  });
});
