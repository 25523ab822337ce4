import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ConversationCommand,
  conversationStreamId,
  defaultPolicy,
  sentMessageRef,
} from '../../../../libs/domain/src';
import { EventStore } from '../../../../libs/event-store/src/event-store.port';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { AppError } from '../../../../libs/platform/src/app-error';
import { CommandDeps, handleConversationCommand } from './handle-command';
import { StreamCache } from './stream-cache';

const NOW = '2025-01-01T00:00:00.000Z';
const ctx = { actor: 'alice', correlationId: 'test' };
const CID = 'c1';
const start: ConversationCommand = {
  type: 'StartConversation',
  data: { conversationId: CID, kind: 'direct', members: ['bob'], actor: 'alice', now: NOW },
};
const send = (clientMessageId: string, actor = 'alice'): ConversationCommand => ({
  type: 'SendMessage',
  data: {
    conversationId: CID,
    messageId: `id-${clientMessageId}-${Math.random()}`,
    clientMessageId,
    actor,
    body: 'hi',
    attachments: [],
    now: NOW,
  },
});

describe('handleConversationCommand on the LMDB event store', () => {
  let dir: string;
  let store: LmdbEventStore;
  let outcomes: string[];
  const deps = (eventStore: EventStore = store): CommandDeps => ({
    store: eventStore,
    cache: new StreamCache(eventStore),
    policy: defaultPolicy,
    record: (type, outcome) => outcomes.push(`${type}:${outcome}`),
  });
  const ref = (d: CommandDeps, command: ConversationCommand) =>
    handleConversationCommand(d, command, { ...ctx, actor: command.data.actor }, (state) =>
      sentMessageRef(
        state,
        command.data.actor,
        (command.data as { clientMessageId: string }).clientMessageId,
      ),
    );

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'handle-command-'));
    store = LmdbEventStore.open(dir);
    outcomes = [];
  });
  afterEach(async () => {
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('pipelines 200 concurrent sends on one stream into dense seqs, loading the stream once', async () => {
    const d = deps();
    await handleConversationCommand(d, start, ctx, () => undefined);
    const reads = jest.spyOn(store, 'readStream');
    const refs = await Promise.all(Array.from({ length: 200 }, (_, i) => ref(d, send(`m${i}`))));
    expect(refs.map((r) => r!.seq).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 200 }, (_, i) => i + 1),
    );
    expect(reads).not.toHaveBeenCalled();
    const stored = await store.readStream(conversationStreamId(CID));
    expect(stored.map((e) => e.revision)).toEqual(Array.from({ length: 201 }, (_, i) => i));
  });

  it('shares one load between concurrent first commands on a stream', async () => {
    await handleConversationCommand(deps(), start, ctx, () => undefined);
    const d = deps();
    const reads = jest.spyOn(store, 'readStream');
    await Promise.all([ref(d, send('a')), ref(d, send('b')), ref(d, send('c'))]);
    expect(reads).toHaveBeenCalledTimes(1);
  });

  it('acknowledges a retry with the original ref, not before the original append is durable', async () => {
    const d = deps();
    await handleConversationCommand(d, start, ctx, () => undefined);
    const order: string[] = [];
    const original = ref(d, send('same')).then((r) => (order.push('original'), r));
    const retry = ref(d, send('same')).then((r) => (order.push('retry'), r));
    const [a, b] = await Promise.all([original, retry]);
    expect(b).toEqual(a);
    expect(order).toEqual(['original', 'retry']);
    expect(await store.readStream(conversationStreamId(CID))).toHaveLength(2);
    expect(outcomes).toContain('SendMessage:noop');
  });

  it('reloads and retries when another writer moved the stream (stale cache)', async () => {
    const first = deps();
    const second = deps();
    await handleConversationCommand(first, start, ctx, () => undefined);
    expect((await ref(first, send('m1')))!.seq).toBe(1);
    expect((await ref(second, send('m2', 'bob')))!.seq).toBe(2);
    expect((await ref(first, send('m3')))!.seq).toBe(3);
    expect(outcomes.filter((o) => o === 'SendMessage:conflict')).toHaveLength(1);
  });

  it('turns a refusal into an AppError with its status, writing nothing', async () => {
    const d = deps();
    await expect(ref(d, send('x'))).rejects.toMatchObject({
      code: 'conversation_not_found',
      status: 404,
    });
    await handleConversationCommand(d, start, ctx, () => undefined);
    const refusal = ref(d, send('x', 'carol'));
    await expect(refusal).rejects.toBeInstanceOf(AppError);
    await expect(refusal).rejects.toMatchObject({ code: 'not_a_member', status: 403 });
    expect(await store.readStream(conversationStreamId(CID))).toHaveLength(1);
  });

  it('drops the cached state after a failed append, so the next command starts from what is stored', async () => {
    let failNext = false;
    const flaky: EventStore = Object.create(store, {
      append: {
        value: (...args: Parameters<EventStore['append']>) =>
          failNext
            ? ((failNext = false), Promise.reject(new Error('disk full')))
            : store.append(...args),
      },
    });
    const d = deps(flaky);
    await handleConversationCommand(d, start, ctx, () => undefined);
    failNext = true;
    await expect(ref(d, send('lost'))).rejects.toThrow('disk full');
    expect((await ref(d, send('kept')))!.seq).toBe(1);
    expect(outcomes).toContain('SendMessage:error');
  });
});
