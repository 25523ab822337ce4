import 'reflect-metadata';
import { Global, Module } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyInstance } from 'fastify';
import { mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { TokenService } from '../../../../libs/platform/src/auth/token-service';
import { loadConfig } from '../../../../libs/platform/src/config';
import { FastPathServer } from '../../../../libs/platform/src/http/fast-path-server';
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
import { metricsRegistry } from '../metrics/metrics';

type Reply = { statusCode: number; headers: Record<string, unknown>; json<T = unknown>(): T };
type Post = (url: string, payload: unknown, headers?: Record<string, string>) => Promise<Reply>;

/**
 * The hot command routes answer exactly as guarded controllers would, on both of their paths:
 * the FastPathServer (plain JSON requests over real HTTP) and the Fastify routes it leaves the
 * unusual requests to (driven here with inject, which never reaches the node:http server).
 */
describe('CommandRoutes (send, delivered, read) on the real HTTP app', () => {
  const dir = mkdtempSync(join(tmpdir(), 'command-routes-'));
  const eventStore = LmdbEventStore.open(join(dir, 'events'));
  const readModels = LmdbReadModelStore.open(join(dir, 'read'));
  const tokens = new TokenService('a-test-secret-long-enough-for-hs256-use', 3600);
  const alice = { authorization: `Bearer ${tokens.issue('alice')}` };
  const bob = { authorization: `Bearer ${tokens.issue('bob')}` };
  let app: NestFastifyApplication;
  let http: FastifyInstance;
  let baseUrl: string;

  const fastPath = () => app.getHttpServer() as FastPathServer;
  const body = (payload: unknown) =>
    typeof payload === 'string' ? payload : JSON.stringify(payload);
  const inject: Post = (url, payload, headers = alice) =>
    http.inject({
      method: 'POST',
      url,
      headers: { 'content-type': 'application/json', ...headers },
      payload: body(payload),
    });
  const overHttp: Post = async (url, payload, headers = alice) => {
    const res = await fetch(baseUrl + url, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: body(payload),
    });
    const text = await res.text();
    return {
      statusCode: res.status,
      headers: { 'content-type': res.headers.get('content-type') },
      json: <T>() => JSON.parse(text) as T,
    };
  };
  const expectError = (res: Reply, status: number, code: string) => {
    expect(res.statusCode).toBe(status);
    expect(res.json()).toEqual({ error: { code, message: expect.any(String) } });
  };

  beforeAll(async () => {
    const logger = createLogger('silent');
    @Global()
    @Module({
      providers: [
        { provide: EVENT_STORE, useValue: eventStore },
        { provide: SNAPSHOT_STORE, useValue: eventStore.snapshots },
        { provide: READ_MODELS, useValue: readModels },
        { provide: APP_CONFIG, useValue: loadConfig({ DATA_DIR: dir }) },
        { provide: LOGGER, useValue: logger },
        { provide: TokenService, useValue: tokens },
      ],
      exports: [EVENT_STORE, SNAPSHOT_STORE, READ_MODELS, APP_CONFIG, LOGGER, TokenService],
    })
    class TestInfraModule {}
    @Module({ imports: [TestInfraModule, CommandApiModule] })
    class TestAppModule {}
    app = await createHttpApp(TestAppModule, logger);
    await app.listen(0, '127.0.0.1');
    http = app.getHttpAdapter().getInstance();
    baseUrl = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  });

  afterAll(async () => {
    await app.close();
    await eventStore.close();
    await readModels.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("keeps Fastify's server timeouts on the node:http server it is given", () => {
    expect(fastPath()).toBeInstanceOf(FastPathServer);
    expect([fastPath().keepAliveTimeout, fastPath().requestTimeout, fastPath().timeout]).toEqual([
      72_000, 0, 0,
    ]);
  });

  describe.each([
    ['the fast path (real HTTP)', () => overHttp, 'fast'],
    ['the Fastify routes (inject)', () => inject, 'fastify'],
  ])('through %s', (_, transport: () => Post, label) => {
    let post: Post;
    let conversationId: string;
    const count = (text: string, status: number) =>
      Number(
        new RegExp(
          `http_request_duration_seconds_count\\{method="POST",route="/v1/conversations/:id/messages",status="${status}"\\} (\\d+)`,
        ).exec(text)?.[1] ?? 0,
      );

    beforeAll(async () => {
      post = transport();
      const created = await post('/v1/conversations', {
        kind: 'group',
        members: ['bob'],
        title: label,
      });
      conversationId = created.json<{ conversationId: string }>().conversationId;
    });

    it('sends (201), answers a retry with the same ref, and records the route pattern in metrics', async () => {
      const url = `/v1/conversations/${conversationId}/messages`;
      const before = count(await metricsRegistry.metrics(), 201);
      const servedBefore = fastPath().served;
      const first = await post(url, { clientMessageId: 'm1', body: 'hi' });
      expect(first.statusCode).toBe(201);
      expect(first.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(first.json()).toEqual({ messageId: expect.any(String), seq: 1 });
      const retry = await post(url, { clientMessageId: 'm1', body: 'hi' });
      expect([retry.statusCode, retry.json()]).toEqual([201, first.json()]);
      expect(count(await metricsRegistry.metrics(), 201)).toBe(before + 2);
      expect(fastPath().served - servedBefore).toBe(label === 'fast' ? 2 : 0);
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
      expectError(await post(url, '', {}), 400, 'invalid_json');
      expectError(await post(url, '{"__proto__":{"x":1}}', {}), 400, 'invalid_json');
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
      expectError(
        await post(url, { clientMessageId: 'x', body: 'hi' }, carol),
        403,
        'not_a_member',
      );
    });
  });

  describe('requests the fast path leaves to Fastify, over real HTTP', () => {
    let conversationId: string;
    const raw = (
      path: string,
      headers: Record<string, string>,
      chunks: string[],
    ): Promise<{ status: number; json: unknown }> =>
      new Promise((resolve, reject) => {
        const req = request(baseUrl + path, { method: 'POST', headers }, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve({ status: res.statusCode!, json: JSON.parse(text) }));
        });
        req.on('error', reject);
        for (const chunk of chunks) req.write(chunk);
        req.end();
      });

    beforeAll(async () => {
      const created = await overHttp('/v1/conversations', { kind: 'direct', members: ['bob'] });
      conversationId = created.json<{ conversationId: string }>().conversationId;
    });

    it('a chunked body is served by Fastify with the same outcome', async () => {
      const servedBefore = fastPath().served;
      const res = await raw(
        `/v1/conversations/${conversationId}/messages`,
        { ...alice, 'content-type': 'application/json', 'transfer-encoding': 'chunked' },
        ['{"clientMessageId":"chunked","bo', 'dy":"héllo ✓"}'],
      );
      expect(fastPath().served).toBe(servedBefore);
      expect(res).toEqual({ status: 201, json: { messageId: expect.any(String), seq: 1 } });
    });

    it('a body split across packets with multi-byte characters is read whole on the fast path', async () => {
      const payload = Buffer.from(
        JSON.stringify({ clientMessageId: 'utf8', body: 'ü✓'.repeat(5) }),
      );
      const cut = payload.indexOf(Buffer.from('✓')) + 1; // inside a 3-byte character
      const res = await new Promise<{ status: number; json: { seq: number } }>((resolve) => {
        const req = request(
          `${baseUrl}/v1/conversations/${conversationId}/messages`,
          {
            method: 'POST',
            headers: {
              ...alice,
              'content-type': 'application/json',
              'content-length': payload.length,
            },
          },
          (r) => {
            let text = '';
            r.on('data', (c: Buffer) => (text += c.toString()));
            r.on('end', () => resolve({ status: r.statusCode!, json: JSON.parse(text) }));
          },
        );
        req.write(payload.subarray(0, cut));
        setTimeout(() => req.end(payload.subarray(cut)), 20);
      });
      expect(res).toEqual({ status: 201, json: { messageId: expect.any(String), seq: 2 } });
      const sent = (await eventStore.readAll({ maxCount: 100_000 })).map(
        (e) => e.data as { body?: string },
      );
      expect(sent.map((data) => data.body)).toContain('ü✓'.repeat(5));
    });

    it.each([
      [
        'another content type',
        { 'content-type': 'application/xml' },
        '<x/>',
        415,
        'unsupported_media_type',
      ],
      [
        'an oversize body',
        { 'content-type': 'application/json' },
        'x'.repeat(1_100_000),
        413,
        'payload_too_large',
      ],
    ])('%s gets the same error as before', async (_, headers, payload, status, code) => {
      const res = await raw(
        `/v1/conversations/${conversationId}/messages`,
        { ...alice, ...headers },
        [payload],
      );
      expect(res).toEqual({ status, json: { error: { code, message: expect.any(String) } } });
    });

    it('a client that goes away mid-body leaves the server serving', async () => {
      await new Promise<void>((resolve) => {
        const req = request(`${baseUrl}/v1/conversations/${conversationId}/messages`, {
          method: 'POST',
          headers: { ...alice, 'content-type': 'application/json', 'content-length': '100' },
        });
        req.on('error', () => resolve());
        req.write('{"clientMessageId":"gone",');
        setTimeout(() => req.destroy(), 20);
      });
      const next = await overHttp(`/v1/conversations/${conversationId}/messages`, {
        clientMessageId: 'after',
        body: 'still here',
      });
      expect(next.statusCode).toBe(201);
    });
  });
});
