import {
  ConversationCommand,
  MessageSent,
  conversationStreamId,
  defaultPolicy,
} from '../../../../libs/domain/src';
import { verifyChain } from '../../../../libs/event-store/src/hash-chain';
import { PostgresEventStore } from '../../../../libs/event-store/src/postgres';
import { readWholeStream } from '../../../../libs/event-store/src/read-pages';
import { CommandDeps, handleConversationCommand } from './handle-command';
import { StreamCache } from './stream-cache';

const url = process.env.DATABASE_URL;
if (!url)
  console.warn('SKIPPED: command handling on PostgreSQL — set DATABASE_URL (npm run infra:up)');
const describeWithServer = url ? describe : describe.skip;

/**
 * Two writers (as two command-api processes: two stores, two caches) on one conversation, on a
 * store that does not pipeline appends: each waits for its own pending append before the next,
 * so an append can never chain onto an event of its own that lost the revision to the other.
 */
describeWithServer('handleConversationCommand on PostgreSQL, two writers', () => {
  let stores: PostgresEventStore[];
  const schema = `handle_command_${Date.now()}`;

  beforeAll(async () => {
    stores = await Promise.all([1, 2].map(() => PostgresEventStore.connect(url, { schema })));
  });
  afterAll(async () => {
    await Promise.all(stores.map((s) => s.close()));
  });

  const deps = (store: PostgresEventStore): CommandDeps => ({
    store,
    snapshots: store.snapshotStore(),
    cache: new StreamCache(store, store.snapshotStore()),
    policy: defaultPolicy,
    snapshotEvery: 1_000,
    record: () => undefined,
    snapshotFailed: (err) => {
      throw err;
    },
  });
  const ctx = { actor: 'alice', correlationId: 'spec' };

  it('200 sends, 40 at a time alternating between the writers: dense seqs, one valid chain', async () => {
    const writers = stores.map(deps);
    const conversationId = `c-${Date.now()}`;
    const start: ConversationCommand = {
      type: 'StartConversation',
      data: { conversationId, kind: 'group', members: ['bob'], actor: 'alice', now: 'now' },
    };
    await handleConversationCommand(writers[0], start, ctx, () => undefined);
    const send = (i: number) =>
      handleConversationCommand(
        writers[i % 2],
        {
          type: 'SendMessage',
          data: {
            conversationId,
            messageId: `m${i}`,
            clientMessageId: `c${i}`,
            actor: 'alice',
            body: 'hello',
            attachments: [],
            now: 'now',
          },
        },
        ctx,
        () => undefined,
      );
    for (let round = 0; round < 5; round++)
      await Promise.all(Array.from({ length: 40 }, (_, i) => send(round * 40 + i)));
    const events = await readWholeStream(stores[0], conversationStreamId(conversationId));
    expect(verifyChain(events)).toEqual({ ok: true });
    const seqs = events
      .filter((e) => e.type === 'MessageSent')
      .map((e) => (e.data as MessageSent['data']).seq);
    expect(seqs).toEqual(Array.from({ length: 200 }, (_, i) => i + 1));
  });
});
