import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { eventLeafHash } from '../../../../libs/audit/src/event-leaf';
import { hashToHex } from '../../../../libs/audit/src/merkle-hash';
import { verifyCheckpoint } from '../../../../libs/audit/src/signed-checkpoint';
import { StreamingNodeCollector } from '../../../../libs/audit/src/streaming-node-collector';
import { GENESIS_HASH, sealEvents } from '../../../../libs/event-store/src/hash-chain';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { TokenService } from '../../../../libs/platform/src/auth/token-service';
import { AppConfig, loadConfig } from '../../../../libs/platform/src/config';
import { createHttpApp } from '../../../../libs/platform/src/http/create-http-app';
import { createLogger } from '../../../../libs/platform/src/logger';
import {
  APP_CONFIG,
  EVENT_STORE,
  LOGGER,
  READ_MODELS,
  SNAPSHOT_STORE,
} from '../../../../libs/platform/src/tokens';
import { LmdbReadModelStore } from '../../../../libs/read-models/src/lmdb/lmdb-read-model-store';
import { CommandApiModule } from '../command-api.module';
import { AuditTree } from './audit-tree.service';

/**
 * The audit API inside the real command-API app (Nest + Fastify) on a real LMDB event store:
 * the tree the AuditTree keeps from its subscription is the tree of the log (as the CLI
 * computes it in one pass), grows with appends and stops with the app; in production mode
 * without AUDIT_KEY_FILE the signing endpoints answer 503 and the rest keeps working.
 */
describe('audit API in the command-API app (LMDB)', () => {
  const tokens = new TokenService('a-test-secret-long-enough-for-hs256-use', 3600);
  const auditor = { authorization: `Bearer ${tokens.issue('eve', ['auditor'])}` };
  const alice = { authorization: `Bearer ${tokens.issue('alice')}` };

  async function startApp(config: AppConfig, dir: string) {
    const eventStore = LmdbEventStore.open(join(dir, 'events'));
    const readModels = LmdbReadModelStore.open(join(dir, 'read'));
    const logger = createLogger('silent');
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: eventStore },
        { provide: SNAPSHOT_STORE, useValue: eventStore.snapshots },
        { provide: READ_MODELS, useValue: readModels },
        { provide: APP_CONFIG, useValue: config },
        { provide: LOGGER, useValue: logger },
        { provide: TokenService, useValue: tokens },
      ],
      exports: [EVENT_STORE, SNAPSHOT_STORE, READ_MODELS, APP_CONFIG, LOGGER, TokenService],
    })
    class TestInfraModule {}
    @Module({ imports: [TestInfraModule, CommandApiModule] })
    class TestAppModule {}
    const app: NestFastifyApplication = await createHttpApp(TestAppModule, logger);
    await app.listen(0, '127.0.0.1');
    const baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
    const call = async (method: string, path: string, headers: object, body?: unknown) => {
      const res = await fetch(baseUrl + path, {
        method,
        headers: {
          ...headers,
          ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        },
        body: body === undefined ? undefined : JSON.stringify(body),
      });
      const text = await res.text();
      let parsed: any = text;
      try {
        parsed = JSON.parse(text);
      } catch {
        // PEM
      }
      return { status: res.status, headers: res.headers, body: parsed };
    };
    const close = async () => {
      await app.close();
      await eventStore.close();
      await readModels.close();
    };
    return { app, eventStore, call, close };
  }

  /** The root the CLI would compute: one pass over readAll from START. */
  async function cliRoot(store: LmdbEventStore): Promise<{ size: number; root: string }> {
    const collector = new StreamingNodeCollector();
    for (let after = ''; ;) {
      const page = await store.readAll({ after, maxCount: 100 });
      for (const event of page) collector.append(eventLeafHash(event.metadata.hash));
      if (page.length < 100) break;
      after = page[page.length - 1].position;
    }
    return { size: collector.size, root: hashToHex(collector.root()) };
  }

  const until = async (check: () => Promise<boolean>, ms = 10_000) => {
    const deadline = Date.now() + ms;
    while (!(await check())) {
      if (Date.now() > deadline) throw new Error('condition not met');
      await new Promise((r) => setTimeout(r, 20));
    }
  };

  describe('embedded mode', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-api-'));
    let started: Awaited<ReturnType<typeof startApp>>;
    let conversationId: string;

    beforeAll(async () => {
      started = await startApp(loadConfig({ DATA_DIR: dir }), dir);
      const created = await started.call('POST', '/v1/conversations', alice, {
        kind: 'group',
        members: ['bob'],
        title: 'audit',
      });
      conversationId = created.body.conversationId;
      for (let i = 1; i <= 30; i++)
        expect(
          (
            await started.call('POST', `/v1/conversations/${conversationId}/messages`, alice, {
              clientMessageId: `m-${i}`,
              body: `hello ${i}`,
            })
          ).status,
        ).toBe(201);
    });
    afterAll(async () => {
      await started?.close();
      rmSync(dir, { recursive: true, force: true });
    });

    it('the checkpoint is the tree of the log as the CLI computes it, signed with the public key', async () => {
      const expected = await cliRoot(started.eventStore);
      expect(expected.size).toBe(31);
      let checkpoint: any;
      await until(async () => {
        checkpoint = (await started.call('GET', '/v1/audit/checkpoint', auditor)).body;
        return checkpoint.treeSize === expected.size;
      });
      expect(checkpoint.rootHash).toBe(expected.root);
      const pem = await started.call('GET', '/v1/audit/public-key', auditor);
      expect(pem.headers.get('content-type')).toMatch(/application\/x-pem-file/);
      expect(verifyCheckpoint(checkpoint, pem.body)).toEqual({ ok: true });
      // the same size: the very same signed checkpoint
      expect((await started.call('GET', '/v1/audit/checkpoint', auditor)).body).toEqual(checkpoint);
    });

    it('follows appends live', async () => {
      await started.call('POST', `/v1/conversations/${conversationId}/messages`, alice, {
        clientMessageId: 'm-live',
        body: 'live',
      });
      const expected = await cliRoot(started.eventStore);
      await until(
        async () =>
          (await started.call('GET', '/v1/audit/checkpoint', auditor)).body.rootHash ===
          expected.root,
      );
    });

    it('pages the history with a verdict per page; a user gets 403, no token 401', async () => {
      const first = await started.call(
        'GET',
        `/v1/audit/conversations/${conversationId}?limit=10`,
        auditor,
      );
      expect(first.status).toBe(200);
      expect(first.body.events.map((e: any) => e.revision)).toEqual([...Array(10).keys()]);
      expect(first.body).toMatchObject({ next: 10, chain: { ok: true, wholeStream: false } });
      const second = await started.call(
        'GET',
        `/v1/audit/conversations/${conversationId}?fromRevision=10&limit=10`,
        auditor,
      );
      expect(second.body.chain).toMatchObject({
        ok: true,
        anchoredTo: { revision: 9, hash: first.body.events[9].metadata.hash },
        checked: { fromRevision: 10, throughRevision: 19 },
      });
      expect(
        (await started.call('GET', `/v1/audit/conversations/${conversationId}`, alice)).status,
      ).toBe(403);
      expect(
        (await started.call('GET', `/v1/audit/conversations/${conversationId}`, {})).status,
      ).toBe(401);
    });

    it('a stored event whose content no longer matches its hash fails the verdict, naming it', async () => {
      const metadata = (n: number) => ({
        eventId: `tampered-${n}`,
        schemaVersion: 1,
        correlationId: 'c',
        causationId: 'c',
        actor: 'mallory',
        timestamp: new Date().toISOString(),
      });
      const [first, second] = sealEvents('conversation-tampered', 0, GENESIS_HASH, [
        { type: 'MessageSent', data: { seq: 1, body: 'original' }, metadata: metadata(1) },
        { type: 'MessageSent', data: { seq: 2, body: 'original' }, metadata: metadata(2) },
      ]);
      // Written as if the content had been edited after sealing (the hash kept).
      await started.eventStore.append(
        'conversation-tampered',
        [first, { ...second, data: { seq: 2, body: 'edited' } }],
        'no_stream',
      );
      const res = await started.call('GET', '/v1/audit/conversations/tampered', auditor);
      expect(res.status).toBe(200);
      expect(res.body.chain).toMatchObject({
        ok: false,
        revision: 1,
        reason: 'hash does not match the content',
      });
      const page = await started.call(
        'GET',
        '/v1/audit/conversations/tampered?fromRevision=1',
        auditor,
      );
      expect(page.body.chain).toMatchObject({ ok: false, revision: 1 });
    });

    it('stops following the log when the app closes (before the store closes)', async () => {
      const tree = started.app.get(AuditTree);
      expect(tree.status().state).toBe('ready');
      await started.app.close();
      const size = tree.status().size;
      await started.eventStore.append(
        'other-stream',
        [
          {
            type: 'Noise',
            data: {},
            metadata: {
              eventId: 'noise-1',
              schemaVersion: 1,
              correlationId: 'c',
              causationId: 'c',
              actor: 'x',
              timestamp: new Date().toISOString(),
              prevHash: '0'.repeat(64),
              hash: 'a'.repeat(64),
            },
          },
        ],
        'no_stream',
      );
      await new Promise((r) => setTimeout(r, 100));
      expect(tree.status().size).toBe(size);
    });
  });

  describe('production mode without AUDIT_KEY_FILE', () => {
    const dir = mkdtempSync(join(tmpdir(), 'audit-api-prod-'));
    let started: Awaited<ReturnType<typeof startApp>>;
    const saved = process.env.AUDIT_KEY_FILE;

    beforeAll(async () => {
      delete process.env.AUDIT_KEY_FILE;
      started = await startApp(loadConfig({ CHAT_MODE: 'production', DATA_DIR: dir }), dir);
    });
    afterAll(async () => {
      await started?.close();
      rmSync(dir, { recursive: true, force: true });
      if (saved !== undefined) process.env.AUDIT_KEY_FILE = saved;
    });

    it('the checkpoint and the public key answer 503 audit_unavailable naming the setting', async () => {
      for (const path of ['/v1/audit/checkpoint', '/v1/audit/public-key']) {
        const res = await started.call('GET', path, auditor);
        expect(res.status).toBe(503);
        expect(res.body).toEqual({
          error: { code: 'audit_unavailable', message: expect.stringMatching(/AUDIT_KEY_FILE/) },
        });
      }
      const res = await started.call('GET', '/v1/audit/checkpoint', auditor);
      expect(res.headers.get('retry-after')).toBe('1');
    });

    it('the other audit endpoints still answer', async () => {
      const res = await started.call('GET', '/v1/audit/conversations/nothing-here', auditor);
      expect(res.status).toBe(404);
      expect(res.body.error.code).toBe('conversation_not_found');
    });
  });
});
