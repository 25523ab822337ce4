import { join } from 'node:path';
import { conversationStreamId } from '../../libs/domain/src';
import { LmdbEventStore } from '../../libs/event-store/src/lmdb/lmdb-event-store';
import { readWholeStream } from '../../libs/event-store/src/read-pages';
import { AppError } from '../../libs/platform/src/app-error';
import { TokenService } from '../../libs/platform/src/auth/token-service';
import { EVENTS_DIR } from '../../libs/platform/src/data-dirs';
import { HttpChatCommands } from '../../libs/platform/src/http-chat-commands';
import { createLogger } from '../../libs/platform/src/logger';
import { describeChatCommandsContract } from '../../libs/platform/src/testing/chat-commands.contract';
import { eventually } from '../support/eventually';
import { ServerProcess, api, devToken, startServer } from '../support/server-process';

const SECRET = 'shared-secret-of-gateway-and-command-api';

/**
 * The ChatCommands contract over HTTP: HttpChatCommands against the started all-in-one server
 * (the gateway's adapter in the production layout), signing tokens with the server's JWT secret.
 * Conversations start through POST /v1/conversations; what a command stored is read from the
 * server's event log by a read-only instance, as a standalone projector process reads it.
 */
describeChatCommandsContract('HttpChatCommands against the started server', async () => {
  const server = await startServer({ env: { JWT_SECRET: SECRET } });
  const tokens = new TokenService(SECRET, 300);
  let log: LmdbEventStore;
  try {
    log = LmdbEventStore.open(join(server.dataDir, EVENTS_DIR), {
      readOnly: true,
      logger: createLogger('silent'),
    });
  } catch (err) {
    await server.kill();
    throw err;
  }
  return {
    commands: new HttpChatCommands({ baseUrl: server.baseUrl, tokens }),
    startConversation: async ({ actor, kind, members }) => {
      const res = await api(server.baseUrl, tokens.issue(actor)).post('/v1/conversations', {
        kind,
        members,
      });
      if (res.status !== 201 && res.status !== 200)
        throw new Error(`start: ${res.status} ${JSON.stringify(res.body)}`);
      return res.body.conversationId;
    },
    storedEvents: async (conversationId) => {
      log.wake(); // read the log as of now (acknowledged appends are on disk)
      const events = await readWholeStream(log, conversationStreamId(conversationId));
      return events.map((e) => ({
        type: e.type,
        data: e.data as Record<string, unknown>,
        actor: e.metadata.actor,
        correlationId: e.metadata.correlationId,
      }));
    },
    cleanup: async () => {
      await log.close();
      await server.kill();
    },
  };
});

/**
 * The gateway's HTTP adapter of ChatCommands (production layout: gateway and command API in
 * separate processes) against the real command API: same replies and same refusals as the
 * in-process adapter the WebSocket e2e specs exercise.
 */
describe('HttpChatCommands against the real command API', () => {
  let server: ServerProcess;
  let commands: HttpChatCommands;
  let conversationId: string;

  beforeAll(async () => {
    server = await startServer({ env: { JWT_SECRET: SECRET } });
    commands = new HttpChatCommands({
      baseUrl: server.baseUrl,
      tokens: new TokenService(SECRET, 300),
    });
    const alice = await devToken(server.baseUrl, 'alice');
    conversationId = (
      await api(server.baseUrl, alice).post('/v1/conversations', {
        kind: 'direct',
        members: ['bob'],
      })
    ).body.conversationId;
  });
  afterAll(() => server?.kill());

  const refusal = (p: Promise<unknown>) =>
    p.then(
      () => undefined,
      (err: AppError) => ({ type: err.constructor.name, code: err.code, status: err.status }),
    );

  it('sends with dense seqs and answers a retry with the original ack', async () => {
    const first = await commands.sendMessage({
      actor: 'alice',
      conversationId,
      clientMessageId: 'a1',
      body: 'hi',
    });
    expect(first.seq).toBe(1);
    expect(
      await commands.sendMessage({
        actor: 'alice',
        conversationId,
        clientMessageId: 'a1',
        body: 'hi',
      }),
    ).toEqual(first);
    expect(
      (
        await commands.sendMessage({
          actor: 'bob',
          conversationId,
          clientMessageId: 'b1',
          body: 'yo',
        })
      ).seq,
    ).toBe(2);
  });

  it('marks receipts through the command API', async () => {
    // alice sent seq 1 (read by its sender); bob's seq 2 is what she now delivers, then reads.
    await commands.markDelivered({ actor: 'alice', conversationId, upToSeq: 2 });
    await commands.markRead({ actor: 'alice', conversationId, upToSeq: 2 });
    const token = await devToken(server.baseUrl, 'alice');
    const receipts = await eventually(
      async () =>
        (await api(server.baseUrl, token).get(`/v1/conversations/${conversationId}/receipts`)).body
          .receipts,
      (list: { userId: string; readSeq: number }[]) =>
        list.some((r) => r.userId === 'alice' && r.readSeq === 2),
    );
    expect(receipts.find((r: { userId: string }) => r.userId === 'alice')).toMatchObject({
      deliveredSeq: 2,
      readSeq: 2,
    });
  });

  it('passes refusals through as AppError with the API code and status', async () => {
    expect(
      await refusal(
        commands.sendMessage({
          actor: 'mallory',
          conversationId,
          clientMessageId: 'm1',
          body: 'x',
        }),
      ),
    ).toEqual({ type: 'AppError', code: 'not_a_member', status: 403 });
    expect(
      await refusal(
        commands.sendMessage({
          actor: 'alice',
          conversationId: 'no-such-conversation',
          clientMessageId: 'a9',
          body: 'x',
        }),
      ),
    ).toEqual({ type: 'AppError', code: 'conversation_not_found', status: 404 });
    expect(
      await refusal(commands.markDelivered({ actor: 'bob', conversationId, upToSeq: 99 })),
    ).toEqual({ type: 'AppError', code: 'seq_out_of_range', status: 422 });
    expect(
      await refusal(
        commands.sendMessage({ actor: 'alice', conversationId, clientMessageId: '', body: 'x' }),
      ),
    ).toEqual({ type: 'AppError', code: 'invalid_request', status: 400 });
  });
});
