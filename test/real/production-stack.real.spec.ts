import { ServerProcess, api, devToken, startServer } from '../support/server-process';
import { WsTestClient, range } from '../e2e/ws-test-client';
import { productionEnv, requireInfra, startCommandApi } from './production-stack';

/**
 * The whole production path, each app its own process: PostgreSQL event store → projector →
 * Cassandra read models + Kafka → two gateways (Redis for typing and presence). Users on
 * different gateways chat with receipts, typing and presence, and a reconnecting client closes
 * its gap with `sync` from the read models.
 */
describe('production stack: command API, projector, two gateways', () => {
  let commandApi: ServerProcess;
  let projector: ServerProcess;
  let gateways: ServerProcess[];
  const sockets: WsTestClient[] = [];

  beforeAll(async () => {
    requireInfra('KAFKA_BROKERS', 'REDIS_URL');
    commandApi = await startCommandApi();
    const infra = { KAFKA_BROKERS: process.env.KAFKA_BROKERS!, REDIS_URL: process.env.REDIS_URL! };
    projector = await startServer({
      main: 'dist/apps/projector/src/main.js',
      env: { ...productionEnv(infra), METRICS_PORT: '0' },
      startTimeoutMs: 90_000,
      ready: 'projector running',
    });
    const gateway = () =>
      startServer({
        main: 'dist/apps/realtime-gateway/src/main.js',
        env: productionEnv({ ...infra, COMMAND_API_URL: commandApi.baseUrl }),
        startTimeoutMs: 90_000,
      });
    gateways = await Promise.all([gateway(), gateway()]);
  }, 240_000);
  afterAll(async () => {
    for (const s of sockets) s.close();
    await Promise.all([...(gateways ?? []), projector, commandApi].map((p) => p?.stop()));
  }, 60_000);

  const connect = async (gateway: ServerProcess, userId: string, query = '') => {
    const socket = await WsTestClient.open(
      gateway.wsUrl,
      await devToken(commandApi.baseUrl, userId),
      query,
    );
    sockets.push(socket);
    await socket.waitFor((f) => f.type === 'welcome');
    return socket;
  };

  it('alice on one gateway and bob on the other chat with receipts, typing and presence', async () => {
    const alice = await connect(gateways[0], 'alice');
    const bob = await connect(gateways[1], 'bob');
    const token = await devToken(commandApi.baseUrl, 'alice');
    const started = await api(commandApi.baseUrl, token).post('/v1/conversations', {
      kind: 'group',
      members: ['bob'],
      title: 'across gateways',
    });
    const conversationId: string = started.body.conversationId;
    await bob.waitFor(
      (f) => f.type === 'conversation' && f.conversationId === conversationId,
      20_000,
    );

    const ack = await alice.sendMessage(conversationId, 'hello-bob');
    expect(ack).toMatchObject({ type: 'ack', seq: 1 });
    const message = await bob.waitFor(
      (f) => f.type === 'message' && f.conversationId === conversationId,
      20_000,
    );
    expect(message).toMatchObject({ seq: 1, senderId: 'alice', body: 'hello-bob' });

    bob.send({ type: 'read', conversationId, upToSeq: 1 });
    const receipt = await alice.waitFor(
      (f) => f.type === 'receipt' && f.conversationId === conversationId && f.userId === 'bob',
      20_000,
    );
    expect(receipt).toMatchObject({ deliveredSeq: 1, readSeq: 1 });

    bob.send({ type: 'typing', conversationId });
    await alice.waitFor((f) => f.type === 'typing' && f.userId === 'bob', 10_000);
    await alice.waitFor((f) => f.type === 'presence' && f.userId === 'bob' && f.online, 10_000);
  }, 120_000);

  it('a client that was away syncs what it missed from the read models, with no gap or duplicate', async () => {
    const token = await devToken(commandApi.baseUrl, 'carol');
    const started = await api(commandApi.baseUrl, token).post('/v1/conversations', {
      kind: 'group',
      members: ['dave'],
    });
    const conversationId: string = started.body.conversationId;
    const carol = await connect(gateways[0], 'carol');
    for (const n of range(1, 20)) await carol.sendMessage(conversationId, `m${n}`);
    // dave connects later to the other gateway and asks for everything after seq 5.
    const dave = await connect(gateways[1], 'dave');
    dave.send({ type: 'sync', cursors: { [conversationId]: 5 } });
    await dave.waitFor((f) => f.type === 'synced' && f.conversationId === conversationId, 30_000);
    // What the read models did not have yet at `synced` follows live, from Kafka.
    const ours = (f: { type: string; conversationId?: string }) =>
      f.type === 'message' && f.conversationId === conversationId;
    await dave.waitForCount(ours, 15, 30_000);
    await new Promise((resolve) => setTimeout(resolve, 500)); // no duplicate arrives late
    expect(dave.frames.filter(ours).map((f) => f.seq)).toEqual(range(6, 20));
  }, 120_000);
});
