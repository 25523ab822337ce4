import { TestClient, bodies, connectClient, waitFor } from '../../libs/client/src/testing/helpers';
import { ServerProcess, startServer } from '../support/server-process';

/**
 * The server is SIGKILLed and restarted on the same data dir and port: clients reconnect
 * on their own (backoff), messages written while it was down go out once it is back, and
 * each side ends with every seq exactly once.
 */
describe('client SDK across a server crash and restart', () => {
  let server: ServerProcess;
  const clients: TestClient[] = [];

  afterAll(async () => {
    for (const t of clients) t.client.close();
    await server?.stop();
  });

  it('reconnects, syncs what it missed, and flushes its outbox exactly once', async () => {
    server = await startServer();
    const port = new URL(server.baseUrl).port;
    const alice = await connectClient(server, 'alice');
    const bob = await connectClient(server, 'bob');
    clients.push(alice, bob);
    const { conversationId } = await alice.client.createConversation({
      kind: 'direct',
      members: ['alice', 'bob'],
    });
    await alice.client.send(conversationId, 'before crash');
    await waitFor(() => bob.messages.length === 1, 'bob receives before the crash');

    await server.kill();
    await waitFor(
      () => alice.client.state === 'reconnecting' && bob.client.state === 'reconnecting',
      'both notice',
    );
    const whileDown = alice.client.send(conversationId, 'written while the server was down');

    server = await startServer({ dataDir: server.dataDir, env: { PORT: port } });
    expect(new URL(server.baseUrl).port).toBe(port);
    const ack = await whileDown;
    expect(ack.seq).toBe(2);
    await waitFor(() => bob.messages.length === 2, 'bob receives after the restart');
    await alice.client.send(conversationId, 'after restart');
    await waitFor(() => bob.messages.length === 3, 'bob receives the third');
    await new Promise((r) => setTimeout(r, 200));
    expect(bob.messages.map((m) => m.seq)).toEqual([1, 2, 3]);
    expect(bodies(bob.messages)).toEqual([
      'before crash',
      'written while the server was down',
      'after restart',
    ]);
    expect((await bob.client.history(conversationId)).map((m) => m.seq)).toEqual([1, 2, 3]);
  });
});
