import { ServerProcess, devToken, sleep, startServer } from '../support/server-process';

/**
 * The HTTP request budget per client (here 5/s with a burst of 5, to reach it quickly): over
 * it, 429 with `Retry-After` (seconds) and the usual error body; after waiting that long the
 * request goes through. Both the fast command path and the Fastify routes are covered.
 */
describe('HTTP rate limit, end to end', () => {
  let server: ServerProcess;
  let alice: string;
  let bob: string;
  let conversationId: string;

  beforeAll(async () => {
    server = await startServer({
      env: { HTTP_RATE_LIMIT_PER_SECOND: '5', HTTP_RATE_LIMIT_BURST: '5' },
    });
    alice = await devToken(server.baseUrl, 'alice');
    await sleep(1100);
    bob = await devToken(server.baseUrl, 'bob');
    const res = await call(alice, 'POST', '/v1/conversations', {
      kind: 'direct',
      members: ['bob'],
    });
    conversationId = ((await res.json()) as { conversationId: string }).conversationId;
  });
  afterAll(async () => {
    await server?.kill();
  });

  function call(token: string, method: string, path: string, body?: unknown): Promise<Response> {
    return fetch(`${server.baseUrl}${path}`, {
      method,
      headers: {
        authorization: `Bearer ${token}`,
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  }

  async function expect429(res: Response): Promise<number> {
    expect(res.status).toBe(429);
    const retryAfter = res.headers.get('retry-after');
    expect(retryAfter).toMatch(/^[1-9]\d*$/);
    expect(await res.json()).toEqual({
      error: { code: 'rate_limited', message: expect.stringContaining('retry after') },
    });
    return Number(retryAfter);
  }

  it('answers a burst of sends (fast path) with 429 + Retry-After; after that wait the send succeeds', async () => {
    await sleep(1100);
    const send = (i: number) =>
      call(alice, 'POST', `/v1/conversations/${conversationId}/messages`, {
        clientMessageId: `burst-${i}`,
        body: `burst ${i}`,
      });
    const responses = await Promise.all(Array.from({ length: 40 }, (_, i) => send(i)));
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 201).length).toBeGreaterThanOrEqual(5);
    const refused = responses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.every((s) => s === 201 || s === 429)).toBe(true);
    const retryAfter = await expect429(refused[0]);
    await Promise.all(refused.slice(1).map((r) => r.arrayBuffer()));

    await sleep(retryAfter * 1000);
    const again = await send(999);
    expect(again.status).toBe(201);
    expect(await again.json()).toMatchObject({ seq: expect.any(Number) });
  });

  it('limits the other routes too, per client: bob is not slowed down by alice', async () => {
    await sleep(1100);
    const inbox = (token: string) => call(token, 'GET', '/v1/me/conversations');
    const responses = await Promise.all(Array.from({ length: 30 }, () => inbox(alice)));
    const refused = responses.filter((r) => r.status === 429);
    expect(refused.length).toBeGreaterThan(0);
    const retryAfter = await expect429(refused[0]);
    await Promise.all(responses.filter((r) => r !== refused[0]).map((r) => r.arrayBuffer()));

    const bobs = await inbox(bob);
    expect(bobs.status).toBe(200);
    await bobs.arrayBuffer();

    await sleep(retryAfter * 1000);
    const again = await inbox(alice);
    expect(again.status).toBe(200);
  });
});
