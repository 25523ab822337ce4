import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { TokenService } from '../../../../libs/platform/src/auth/token-service';
import { loadConfig } from '../../../../libs/platform/src/config';
import { createHttpApp } from '../../../../libs/platform/src/http/create-http-app';
import { createLogger } from '../../../../libs/platform/src/logger';
import { APP_CONFIG, EVENT_STORE, LOGGER, READ_MODELS } from '../../../../libs/platform/src/tokens';
import { LmdbReadModelStore } from '../../../../libs/read-models/src/lmdb/lmdb-read-model-store';
import { CommandApiModule } from '../command-api.module';
import { metricsRegistry } from '../metrics/metrics';

/** The plain Fastify command routes answer exactly as guarded controllers would. */
describe('CommandRoutes (send, delivered, read) on the real HTTP app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'command-routes-'));
  const eventStore = LmdbEventStore.open(join(dir, 'events'));
  const readModels = LmdbReadModelStore.open(join(dir, 'read'));
  const tokens = new TokenService('a-test-secret-long-enough-for-hs256-use', 3600);
  const alice = { authorization: `Bearer ${tokens.issue('alice')}` };
  const bob = { authorization: `Bearer ${tokens.issue('bob')}` };
  let app: NestFastifyApplication;
  let http: FastifyInstance;
  let conversationId: string;

  const post = (url: string, payload: unknown, headers: Record<string, string> = alice) =>
    http.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: typeof payload === 'string' ? payload : JSON.stringify(payload),
    });
  const expectError = (
    res: { statusCode: number; json(): unknown },
    status: number,
    code: string,
  ) => {
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
  };

  beforeAll(async () => {
    const logger = createLogger('silent');
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: eventStore },
        { provide: READ_MODELS, useValue: readModels },
        { provide: APP_CONFIG, useValue: loadConfig({ DATA_DIR: dir }) },
        { provide: LOGGER, useValue: logger },
        { provide: TokenService, useValue: tokens },
      ],
      exports: [EVENT_STORE, READ_MODELS, APP_CONFIG, LOGGER, TokenService],
    })
    class TestInfraModule {}
    @Module({ imports: [TestInfraModule, CommandApiModule] })
    class TestAppModule {}
    app = await createHttpApp(TestAppModule, logger);
    await app.init();
    http = app.getHttpAdapter().getInstance();
    const created = await post('/v1/conversations', { kind: 'direct', members: ['bob'] });
    conversationId = created.json<{ conversationId: string }>().conversationId;
  });

  afterAll(async () => {
    await app.close();
    await eventStore.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('sends (201), answers a retry with the same ref, and records the route pattern in metrics', async () => {
    const url = `/v1/conversations/${conversationId}/messages`;
    const first = await post(url, { clientMessageId: 'm1', body: 'hi' });
    expect(first.statusCode).toBe(201);
    expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(first.json()).toEqual({ messageId: expect.any(String), seq: 1 });
    const retry = await post(url, { clientMessageId: 'm1', body: 'hi' });
    expect([retry.statusCode, retry.json()]).toEqual([201, first.json()]);
    expect(await metricsRegistry.metrics()).toMatch(
      /http_request_duration_seconds_count\{method="POST",route="\/v1\/conversations\/:id\/messages",status="201"\} [1-9]/,
    );
  });

  it("marks delivered and read (200 with the caller's watermarks)", async () => {
    const base = `/v1/conversations/${conversationId}`;
    const delivered = await post(`${base}/delivered`, { upToSeq: 1 }, bob);
    expect([delivered.statusCode, delivered.json()]).toEqual([
      200,
      { deliveredSeq: 1, readSeq: 0 },
    ]);
    const read = await post(`${base}/read`, { upToSeq: 1 }, bob);
    expect([read.statusCode, read.json()]).toEqual([200, { deliveredSeq: 1, readSeq: 1 }]);
  });

  it('refuses in the controller order: body parsing, then auth, then path id, then body validation', async () => {
    const url = `/v1/conversations/${conversationId}/messages`;
    expectError(await post(url, '{"clientMessageId":', {}), 400, 'invalid_json');
    expectError(await post(url, { clientMessageId: 'x', body: 'hi' }, {}), 401, 'invalid_token');
    expectError(
      await post('/v1/conversations/bad!id/messages', { x: 1 }),
      404,
      'conversation_not_found',
    );
    expectError(await post(url, { clientMessageId: 'x' }), 400, 'invalid_request');
    expectError(
      await post(`/v1/conversations/${conversationId}/read`, { upToSeq: -1 }),
      400,
      'invalid_request',
    );
    const carol = { authorization: `Bearer ${tokens.issue('carol')}` };
    expectError(await post(url, { clientMessageId: 'x', body: 'hi' }, carol), 403, 'not_a_member');
  });
});
