import { createSigner } from 'fast-jwt';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { eventually } from '../support/eventually';
import {
  Api,
  ApiResponse,
  ServerProcess,
  api,
  devToken,
  startServer,
} from '../support/server-process';

/**
 * Every kind of bad request gets its 4xx `{error:{code,message}}` (never a stack trace), and
 * none of them writes anything: the read side is unchanged and the next valid send gets the
 * next dense seq.
 */
describe('HTTP bad input, end to end (embedded process)', () => {
  let server: ServerProcess;
  let alice: Api;
  let carol: Api;
  let anonymous: Api;
  let conversationId: string;
  let path: string;

  beforeAll(async () => {
    server = await startServer();
    alice = api(server.baseUrl, await devToken(server.baseUrl, 'alice'));
    carol = api(server.baseUrl, await devToken(server.baseUrl, 'carol'));
    anonymous = api(server.baseUrl);
    conversationId = (await alice.post('/v1/conversations', { kind: 'direct', members: ['bob'] }))
      .body.conversationId;
    path = `/v1/conversations/${conversationId}`;
    expect(
      (await alice.post(`${path}/messages`, { clientMessageId: 'first', body: 'first' })).body.seq,
    ).toBe(1);
    await eventually(
      () => alice.get(`${path}/messages`),
      (r) => r.body.messages?.length === 1,
    );
  });
  afterAll(async () => {
    await server?.kill();
  });

  const json = { 'content-type': 'application/json' };
  const send = (who: Api, body: unknown) => who.post(`${path}/messages`, body);
  const expectError = (res: ApiResponse, status: number, code: string, mentions?: string) => {
    expect({ status: res.status, code: res.body?.error?.code }).toEqual({ status, code });
    expect(typeof res.body.error.message).toBe('string');
    expect(Object.keys(res.body)).toEqual(['error']);
    expect(JSON.stringify(res.body)).not.toMatch(/\n\s+at |\.ts:\d+|\.js:\d+/);
    if (mentions) expect(res.body.error.message).toContain(mentions);
  };

  describe('malformed requests → 400/413/415', () => {
    it.each([
      ['truncated JSON', '{"clientMessageId":"x",', 'invalid_json'],
      ['not JSON at all', 'hello', 'invalid_json'],
      ['an empty JSON body', '', 'invalid_json'],
    ])('%s', async (_name, raw, code) => {
      expectError(await alice.raw('POST', `${path}/messages`, raw, json), 400, code);
    });

    it.each([
      ['missing body', { clientMessageId: 'a' }, 'body'],
      ['missing clientMessageId', { body: 'hi' }, 'clientMessageId'],
      ['an extra field', { clientMessageId: 'a', body: 'hi', sender: 'bob' }, 'sender'],
      ['body of the wrong type', { clientMessageId: 'a', body: 42 }, 'body'],
      ['clientMessageId of the wrong type', { clientMessageId: 7, body: 'hi' }, 'clientMessageId'],
      ['an empty body', { clientMessageId: 'a', body: '' }, 'body'],
      ['a body of 100,001 characters', { clientMessageId: 'a', body: 'x'.repeat(100_001) }, 'body'],
      ['an array instead of an object', [{ clientMessageId: 'a', body: 'hi' }], 'body'],
      [
        'a bad attachment',
        { clientMessageId: 'a', body: 'hi', attachments: [{ mediaId: 'm' }] },
        'attachments[0]',
      ],
    ])('send with %s → 400 invalid_request naming the field', async (_name, body, field) => {
      expectError(await send(alice, body), 400, 'invalid_request', field);
    });

    it('a body of 50,001 emoji (100,002 UTF-16 units) is over the limit too', async () => {
      expectError(
        await send(alice, { clientMessageId: 'a', body: '😀'.repeat(50_001) }),
        400,
        'invalid_request',
        'body',
      );
    });

    it.each([
      ['a string upToSeq', { upToSeq: '1' }, 'upToSeq'],
      ['a negative upToSeq', { upToSeq: -1 }, 'upToSeq'],
      ['a fractional upToSeq', { upToSeq: 1.5 }, 'upToSeq'],
      ['no upToSeq', {}, 'upToSeq'],
    ])('read with %s → 400', async (_name, body, field) => {
      expectError(await alice.post(`${path}/read`, body), 400, 'invalid_request', field);
    });

    it.each([
      ['limit above 200', 'limit=201', 'limit'],
      ['a non-numeric limit', 'limit=abc', 'limit'],
      ['an unknown parameter', 'after=3', 'after'],
      ['a zero limit', 'limit=0', 'limit'],
    ])('messages query with %s → 400', async (_name, query, field) => {
      expectError(await alice.get(`${path}/messages?${query}`), 400, 'invalid_request', field);
    });

    it.each([
      ['an unknown kind', { kind: 'channel', members: ['bob'] }, 'kind'],
      ['members not an array', { kind: 'group', members: 'bob' }, 'members'],
      ['a member id with spaces', { kind: 'group', members: ['bob smith'] }, 'members[0]'],
    ])('create with %s → 400', async (_name, body, field) => {
      expectError(await alice.post('/v1/conversations', body), 400, 'invalid_request', field);
    });

    it('a body over 1 MiB → 413 payload_too_large', async () => {
      const res = await alice.raw(
        'POST',
        `${path}/messages`,
        JSON.stringify({ clientMessageId: 'big', body: 'x'.repeat(1_100_000) }),
        json,
      );
      expectError(res, 413, 'payload_too_large');
    });

    it('an unsupported content type → 415', async () => {
      expectError(
        await alice.raw('POST', `${path}/messages`, '<x/>', { 'content-type': 'application/xml' }),
        415,
        'unsupported_media_type',
      );
    });
  });

  describe('refused by the rules → 403/404/422', () => {
    it('a non-member can neither send nor read', async () => {
      expectError(
        await send(carol, { clientMessageId: 'c1', body: 'let me in' }),
        403,
        'not_a_member',
      );
      expectError(await carol.get(`${path}/messages`), 403, 'not_a_member');
      expectError(await carol.get(path), 403, 'not_a_member');
      expectError(await carol.get(`${path}/receipts`), 403, 'not_a_member');
      expectError(await carol.post(`${path}/read`, { upToSeq: 1 }), 403, 'not_a_member');
      expectError(await carol.post(`${path}/members`, { add: ['carol'] }), 403, 'not_a_member');
    });

    it('an unknown conversation → 404 conversation_not_found', async () => {
      const unknown = '/v1/conversations/00000000-0000-0000-0000-000000000000';
      expectError(
        await alice.post(`${unknown}/messages`, { clientMessageId: 'u', body: 'hi' }),
        404,
        'conversation_not_found',
      );
      expectError(await alice.get(`${unknown}/messages`), 404, 'conversation_not_found');
      expectError(
        await alice.get('/v1/conversations/not%20an%20id'),
        404,
        'conversation_not_found',
      );
    });

    it('a whitespace-only body, a watermark past the last seq, a direct membership change → 422/403', async () => {
      expectError(await send(alice, { clientMessageId: 'w', body: '   ' }), 422, 'invalid_body');
      expectError(await alice.post(`${path}/read`, { upToSeq: 2 }), 422, 'seq_out_of_range');
      expectError(await alice.post(`${path}/members`, { add: ['carol'] }), 403, 'not_allowed');
      expectError(
        await alice.post('/v1/conversations', { kind: 'direct', members: ['bob', 'carol'] }),
        422,
        'invalid_members',
      );
      const tooMany = Array.from({ length: 100 }, (_, i) => `user${i}`);
      expectError(
        await alice.post('/v1/conversations', { kind: 'group', members: tooMany }),
        422,
        'group_too_large',
      );
    });

    it('unknown routes → 404 not_found', async () => {
      expectError(await alice.get('/v1/nope'), 404, 'not_found');
      expectError(await alice.raw('DELETE', path), 404, 'not_found');
    });
  });

  describe('authentication → 401 invalid_token', () => {
    const secret = () => readFileSync(join(server.dataDir, 'jwt-secret'), 'utf8').trim();
    const withToken = (token: string) => api(server.baseUrl, token);

    it.each([
      ['no token', () => anonymous],
      ['a garbage token', () => withToken('not.a.jwt')],
      [
        'a forged token (other secret)',
        () => withToken(createSigner({ key: 'not-the-secret' })({ sub: 'alice', roles: ['user'] })),
      ],
      [
        'an expired token',
        () =>
          withToken(
            createSigner({
              key: secret(),
              expiresIn: 1000,
              clockTimestamp: Date.now() - 3_600_000,
            })({ sub: 'alice' }),
          ),
      ],
      [
        'an unsigned (alg none) token',
        () => withToken(createSigner({ algorithm: 'none' })({ sub: 'alice' })),
      ],
    ])('%s', async (_name, who) => {
      expectError(await send(who(), { clientMessageId: 't', body: 'hi' }), 401, 'invalid_token');
      expectError(await who().get('/v1/me/conversations'), 401, 'invalid_token');
    });

    it('a non-Bearer Authorization header', async () => {
      const res = await anonymous.raw('GET', '/v1/me/conversations', undefined, {
        authorization: 'Basic YWxpY2U6eA==',
      });
      expectError(res, 401, 'invalid_token');
    });

    it.each([
      ['an empty userId', { userId: '' }],
      ['a userId with spaces', { userId: 'alice smith' }],
      ['a userId of 65 characters', { userId: 'a'.repeat(65) }],
      ['a numeric userId', { userId: 42 }],
      ['no userId', {}],
      ['an extra field', { userId: 'alice', admin: true }],
      ['an unknown role', { userId: 'alice', roles: ['root'] }],
    ])('dev-token with %s → 400 invalid_request', async (_name, body) => {
      expectError(await anonymous.post('/v1/auth/dev-token', body), 400, 'invalid_request');
    });
  });

  it('left the store unchanged: same read side, and the next valid send gets seq 2', async () => {
    const messages = (await alice.get(`${path}/messages`)).body.messages;
    expect(messages.map((m: { seq: number; body: string }) => [m.seq, m.body])).toEqual([
      [1, 'first'],
    ]);
    expect((await alice.get(path)).body).toMatchObject({ lastSeq: 1 });
    expect((await carol.get('/v1/me/conversations')).body).toEqual({ conversations: [] });
    expect((await alice.get('/v1/me/conversations')).body.conversations).toHaveLength(1);

    expect(await send(alice, { clientMessageId: 'second', body: 'second' })).toEqual({
      status: 201,
      body: { messageId: expect.any(String), seq: 2 },
    });
    const longest = await send(alice, { clientMessageId: 'longest', body: 'y'.repeat(100_000) });
    expect(longest).toEqual({ status: 201, body: { messageId: expect.any(String), seq: 3 } });
    await eventually(
      () => alice.get(`${path}/messages`),
      (r) => r.body.messages?.length === 3,
    );
  });
});
