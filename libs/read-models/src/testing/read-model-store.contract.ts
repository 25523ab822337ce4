import { ReadModelOp } from '../../../domain/src';
import { ReadModelStore } from '../read-model-store.port';
import {
  message,
  pos,
  putMessage,
  raise,
  snapshotOf,
  startConversation,
} from './read-model-fixtures';

/**
 * The guarantees of ReadModelStore, run against every adapter (LMDB here; ScyllaDB+Redis
 * later). `make` returns a fresh, empty store; the suite closes it after each test.
 */
export function describeReadModelStoreContract(
  name: string,
  make: () => ReadModelStore | Promise<ReadModelStore>,
): void {
  describe(`ReadModelStore contract: ${name}`, () => {
    let store: ReadModelStore;
    beforeEach(async () => {
      store = await make();
    });
    afterEach(async () => {
      await store.close();
    });

    describe('conversations and members', () => describeConversations(() => store));
    describe('timeline paging', () => describeTimeline(() => store));
    describe('receipts and inbox', () => describeReceiptsAndInbox(() => store));
    describe('idempotence, checkpoint and clear', () => describeIdempotence(() => store));
  });
}

const sorted = (values: string[]): string[] => [...values].sort();

function describeConversations(store: () => ReadModelStore): void {
  it("an empty store knows nothing and has checkpoint '' (START)", async () => {
    expect(await store().getCheckpoint()).toBe('');
    expect(await store().getConversation('c1')).toBeUndefined();
    expect(await store().getMessages('c1', { limit: 10 })).toEqual([]);
    expect(await store().getInbox('alice')).toEqual([]);
    expect(await store().getReceipts('c1')).toEqual([]);
    expect(await store().getReceipt('c1', 'alice')).toEqual({
      userId: 'alice',
      deliveredSeq: 0,
      readSeq: 0,
    });
  });

  it('upsertConversation and addMembers create the conversation view', async () => {
    await store().apply(
      startConversation('c1', ['bob', 'alice'], { title: 'Team', minute: 3 }),
      pos(1),
    );
    const view = await store().getConversation('c1');
    expect({ ...view, members: sorted(view!.members) }).toEqual({
      conversationId: 'c1',
      kind: 'group',
      title: 'Team',
      createdAt: '2025-01-01T00:03:00.000Z',
      members: ['alice', 'bob'],
      lastSeq: 0,
    });
  });

  it('a conversation without a title has no title key', async () => {
    await store().apply(startConversation('c1', ['alice', 'bob'], { kind: 'direct' }), pos(1));
    const view = await store().getConversation('c1');
    expect(view!.kind).toBe('direct');
    expect('title' in view!).toBe(false);
  });

  it('addMembers and removeMembers change the member set and the inboxes', async () => {
    await store().apply(startConversation('c1', ['alice', 'bob']), pos(1));
    await store().apply(
      [{ op: 'addMembers', conversationId: 'c1', userIds: ['carol', 'bob'] }],
      pos(2),
    );
    await store().apply(
      [{ op: 'removeMembers', conversationId: 'c1', userIds: ['bob', 'nobody'] }],
      pos(3),
    );
    expect(sorted((await store().getConversation('c1'))!.members)).toEqual(['alice', 'carol']);
    expect((await store().getInbox('bob')).map((e) => e.conversationId)).toEqual([]);
    expect((await store().getInbox('carol')).map((e) => e.conversationId)).toEqual(['c1']);
  });

  it('keeps conversations apart even when one id is a prefix of another', async () => {
    await store().apply(
      [...startConversation('c1', ['alice']), ...startConversation('c10', ['bob'])],
      pos(1),
    );
    await store().apply([putMessage('c1', 1), putMessage('c10', 1), putMessage('c10', 2)], pos(2));
    expect((await store().getConversation('c1'))!.members).toEqual(['alice']);
    expect((await store().getConversation('c1'))!.lastSeq).toBe(1);
    expect(await store().getMessages('c1', { limit: 10 })).toEqual([message('c1', 1)]);
    expect((await store().getInbox('alice')).map((e) => e.conversationId)).toEqual(['c1']);
  });
}

function describeTimeline(store: () => ReadModelStore): void {
  const seqs = async (page: Parameters<ReadModelStore['getMessages']>[1]): Promise<number[]> =>
    (await store().getMessages('c1', page)).map((m) => m.seq);

  beforeEach(async () => {
    const puts = [5, 1, 9, 3, 10, 2, 8, 4, 7, 6].map((seq) => putMessage('c1', seq));
    await store().apply([...startConversation('c1', ['alice', 'bob']), ...puts], pos(1));
  });

  it('stores messages exactly and lastSeq is the highest seq', async () => {
    expect((await store().getMessages('c1', { afterSeq: 3, limit: 1 }))[0]).toEqual(
      message('c1', 4),
    );
    expect((await store().getConversation('c1'))!.lastSeq).toBe(10);
  });

  it("lastSeq counts only the conversation's own messages (ids that prefix each other)", async () => {
    await store().apply(
      [
        ...startConversation('c', ['alice']),
        ...startConversation('c10', ['alice']),
        putMessage('c10', 42),
      ],
      pos(2),
    );
    expect((await store().getConversation('c'))!.lastSeq).toBe(0);
    expect((await store().getConversation('c1'))!.lastSeq).toBe(10);
    expect((await store().getConversation('c10'))!.lastSeq).toBe(42);
  });

  it('without bounds returns the newest `limit`, ascending', async () => {
    expect(await seqs({ limit: 3 })).toEqual([8, 9, 10]);
    expect(await seqs({ limit: 50 })).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it('afterSeq pages forwards (exclusive), ascending', async () => {
    expect(await seqs({ afterSeq: 0, limit: 3 })).toEqual([1, 2, 3]);
    expect(await seqs({ afterSeq: 3, limit: 3 })).toEqual([4, 5, 6]);
    expect(await seqs({ afterSeq: 9, limit: 3 })).toEqual([10]);
    expect(await seqs({ afterSeq: 10, limit: 3 })).toEqual([]);
  });

  it('only beforeSeq pages backwards: the newest `limit` below it, still ascending', async () => {
    expect(await seqs({ beforeSeq: 8, limit: 3 })).toEqual([5, 6, 7]);
    expect(await seqs({ beforeSeq: 3, limit: 5 })).toEqual([1, 2]);
    expect(await seqs({ beforeSeq: 1, limit: 5 })).toEqual([]);
  });

  it('afterSeq and beforeSeq together bound both ends (both exclusive)', async () => {
    expect(await seqs({ afterSeq: 2, beforeSeq: 6, limit: 10 })).toEqual([3, 4, 5]);
    expect(await seqs({ afterSeq: 2, beforeSeq: 6, limit: 2 })).toEqual([3, 4]);
  });

  it('limit 0 returns nothing', async () => {
    expect(await seqs({ limit: 0 })).toEqual([]);
  });
}

function describeReceiptsAndInbox(store: () => ReadModelStore): void {
  const receipt = (userId: string) => store().getReceipt('c1', userId);

  beforeEach(async () => {
    await store().apply(startConversation('c1', ['alice', 'bob', 'carol']), pos(1));
  });

  it('watermarks never go down', async () => {
    await store().apply([raise('c1', 'bob', 5, 3)], pos(2));
    await store().apply([raise('c1', 'bob', 4, 0), raise('c1', 'bob', 0, 2)], pos(3));
    expect(await receipt('bob')).toEqual({ userId: 'bob', deliveredSeq: 5, readSeq: 3 });
  });

  it('read implies delivered, even when a late delivered watermark arrives', async () => {
    await store().apply([raise('c1', 'bob', 0, 7)], pos(2));
    expect(await receipt('bob')).toEqual({ userId: 'bob', deliveredSeq: 7, readSeq: 7 });
    await store().apply([raise('c1', 'bob', 4, 0)], pos(3));
    expect(await receipt('bob')).toEqual({ userId: 'bob', deliveredSeq: 7, readSeq: 7 });
  });

  it('raises within one apply see each other (max over the batch)', async () => {
    await store().apply(
      [raise('c1', 'bob', 2, 1), raise('c1', 'bob', 6, 0), raise('c1', 'bob', 1, 4)],
      pos(2),
    );
    expect(await receipt('bob')).toEqual({ userId: 'bob', deliveredSeq: 6, readSeq: 4 });
  });

  it('getReceipts lists every member with 0 defaults, and former members that have watermarks', async () => {
    await store().apply([raise('c1', 'bob', 3, 2), raise('c1', 'carol', 1, 1)], pos(2));
    await store().apply(
      [{ op: 'removeMembers', conversationId: 'c1', userIds: ['carol'] }],
      pos(3),
    );
    await store().apply([{ op: 'addMembers', conversationId: 'c1', userIds: ['dave'] }], pos(4));
    const receipts = await store().getReceipts('c1');
    expect([...receipts].sort((a, b) => a.userId.localeCompare(b.userId))).toEqual([
      { userId: 'alice', deliveredSeq: 0, readSeq: 0 },
      { userId: 'bob', deliveredSeq: 3, readSeq: 2 },
      { userId: 'carol', deliveredSeq: 1, readSeq: 1 },
      { userId: 'dave', deliveredSeq: 0, readSeq: 0 },
    ]);
  });

  it('the inbox shows last message, watermarks and unread = lastSeq − readSeq', async () => {
    await store().apply(
      [putMessage('c1', 1), raise('c1', 'alice', 1, 1), putMessage('c1', 2, 'carol')],
      pos(2),
    );
    await store().apply([putMessage('c1', 3, 'carol'), raise('c1', 'bob', 3, 1)], pos(3));
    const [entry] = await store().getInbox('bob');
    expect({ ...entry, members: sorted(entry.members) }).toEqual({
      conversationId: 'c1',
      kind: 'group',
      members: ['alice', 'bob', 'carol'],
      lastSeq: 3,
      lastMessage: message('c1', 3, 'carol'),
      deliveredSeq: 3,
      readSeq: 1,
      unreadCount: 2,
    });
    expect((await store().getInbox('alice'))[0].unreadCount).toBe(2);
    expect((await store().getInbox('carol'))[0].unreadCount).toBe(3);
  });

  it('unread never goes negative and an empty conversation has no last message', async () => {
    await store().apply([raise('c1', 'bob', 4, 4)], pos(2));
    const [entry] = await store().getInbox('bob');
    expect(entry.unreadCount).toBe(0);
    expect(entry.lastSeq).toBe(0);
    expect(entry.lastMessage).toBeUndefined();
  });

  it('lists the most recently active conversation first', async () => {
    await store().apply(startConversation('c2', ['bob'], { minute: 30 }), pos(2));
    await store().apply(startConversation('c3', ['bob'], { minute: 10 }), pos(3));
    await store().apply([putMessage('c1', 1, 'alice', 60)], pos(4));
    expect((await store().getInbox('bob')).map((e) => e.conversationId)).toEqual([
      'c1',
      'c2',
      'c3',
    ]);
  });
}

function describeIdempotence(store: () => ReadModelStore): void {
  const history: ReadModelOp[][] = [
    startConversation('c1', ['alice', 'bob'], { title: 'Team' }),
    [putMessage('c1', 1), raise('c1', 'alice', 1, 1)],
    [
      { op: 'addMembers', conversationId: 'c1', userIds: ['carol'] },
      putMessage('c1', 2, 'bob'),
      raise('c1', 'bob', 2, 2),
    ],
    [raise('c1', 'carol', 2, 0), raise('c1', 'alice', 2, 2)],
    [
      { op: 'removeMembers', conversationId: 'c1', userIds: ['alice'] },
      putMessage('c1', 3, 'carol'),
    ],
  ];
  const applyAll = async (): Promise<void> => {
    for (const [index, ops] of history.entries()) await store().apply(ops, pos(index + 1));
  };
  const snapshot = () => snapshotOf(store(), ['c1'], ['alice', 'bob', 'carol']);

  it('applying the same ops twice changes nothing', async () => {
    await applyAll();
    const once = await snapshot();
    await applyAll();
    expect(await snapshot()).toEqual(once);
  });

  it('re-applying a suffix of the history (a redelivered tail) changes nothing', async () => {
    await applyAll();
    const once = await snapshot();
    await store().apply(history.slice(2).flat(), pos(history.length));
    expect(await snapshot()).toEqual(once);
  });

  it('stores the checkpoint with the ops, and never moves it back', async () => {
    await store().apply(startConversation('c1', ['alice']), pos(7));
    expect(await store().getCheckpoint()).toBe(pos(7));
    await store().apply([], pos(12));
    expect(await store().getCheckpoint()).toBe(pos(12));
    await store().apply([], pos(9));
    expect(await store().getCheckpoint()).toBe(pos(12));
  });

  it('clear() removes every read model and the checkpoint', async () => {
    await applyAll();
    await store().clear();
    expect(await store().getCheckpoint()).toBe('');
    expect(await store().getConversation('c1')).toBeUndefined();
    expect(await store().getMessages('c1', { limit: 10 })).toEqual([]);
    expect(await store().getInbox('bob')).toEqual([]);
    expect(await store().getReceipts('c1')).toEqual([]);
    await applyAll();
    expect((await store().getConversation('c1'))!.lastSeq).toBe(3);
  });
}
