import { randomUUID } from 'node:crypto';
import { Client } from 'cassandra-driver';
import { ReadModelOp } from '../../../domain/src';
import { describeReadModelStoreContract } from '../testing/read-model-store.contract';
import {
  message,
  pos,
  putMessage,
  raise,
  snapshotOf,
  startConversation,
} from '../testing/read-model-fixtures';
import {
  CassandraReadModelOptions,
  cassandraOptionsFromEnv,
  resolveOptions,
} from './cassandra-options';
import { CassandraReadModelStore } from './cassandra-read-model-store';
import { connectClient } from './connect-client';

const CONTACT_POINTS = process.env.CASSANDRA_CONTACT_POINTS;

if (!CONTACT_POINTS) {
  process.stderr.write(
    'SKIPPED: Cassandra read-model contract suite — set CASSANDRA_CONTACT_POINTS (npm run infra:up)\n',
  );
  describe('CassandraReadModelStore', () =>
    it.skip('needs a Cassandra or ScyllaDB server (CASSANDRA_CONTACT_POINTS)', () => {}));
}
const describeCql = CONTACT_POINTS ? describe : () => undefined;

describe('CassandraReadModelStore.connect', () => {
  it('fails with an error naming CASSANDRA_CONTACT_POINTS when nothing answers', async () => {
    await expect(
      CassandraReadModelStore.connect({
        contactPoints: ['127.0.0.1:1'],
        localDataCenter: 'datacenter1',
        connectTimeoutMs: 1_000,
      }),
    ).rejects.toThrow(/CASSANDRA_CONTACT_POINTS=127\.0\.0\.1:1/);
  });
});

describeCql('CassandraReadModelStore on a real server', () => {
  /** One keyspace per run of this file: created once, truncated between tests, dropped after. */
  const keyspace = `rm_test_${process.pid}_${randomUUID().slice(0, 8)}`;
  const options = (): CassandraReadModelOptions => ({ ...cassandraOptionsFromEnv(), keyspace });
  let client: Client;

  beforeAll(async () => {
    client = await connectClient(resolveOptions(options()));
    await (await CassandraReadModelStore.open(client, options())).close(); // creates the schema
  }, 120_000);

  afterAll(async () => {
    if (!client) return;
    await client.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client.shutdown();
  }, 60_000);

  /** An empty store on the shared client and keyspace (truncated: DDL is slow). */
  const emptyStore = async (extra: Partial<CassandraReadModelOptions> = {}) => {
    const store = await CassandraReadModelStore.open(client, {
      ...options(),
      createSchema: false,
      ...extra,
    });
    await store.clear();
    return store;
  };

  describeReadModelStoreContract('Cassandra', () => emptyStore());

  describe('beyond the contract', () => {
    let store: CassandraReadModelStore;
    beforeEach(async () => {
      store = await emptyStore();
    });
    afterEach(async () => {
      await store?.close();
    });

    const seqsOf = async (
      page: Parameters<CassandraReadModelStore['getMessages']>[1],
      on: CassandraReadModelStore = store,
    ) => (await on.getMessages('c1', page)).map((m) => m.seq);
    const range = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, i) => from + i);

    it('pages across a bucket boundary (seqs 9,995..10,010 in buckets 0 and 1)', async () => {
      const puts = range(9_995, 10_010).map((seq) => putMessage('c1', seq));
      await store.apply([...startConversation('c1', ['alice', 'bob']), ...puts], pos(1));

      const inBucket = async (bucket: number) =>
        (
          await client.execute(
            `SELECT seq FROM ${keyspace}.timeline WHERE conversation_id = ? AND bucket = ?`,
            ['c1', bucket],
            { prepare: true },
          )
        ).rows.map((row) => Number(row.seq));
      expect(await inBucket(0)).toEqual(range(9_995, 9_999));
      expect(await inBucket(1)).toEqual(range(10_000, 10_010));

      expect(await seqsOf({ afterSeq: 9_993, limit: 10 })).toEqual(range(9_995, 10_004));
      expect(await seqsOf({ afterSeq: 9_998, limit: 5 })).toEqual(range(9_999, 10_003));
      expect(await seqsOf({ afterSeq: 10_008, limit: 5 })).toEqual([10_009, 10_010]);
      expect(await seqsOf({ afterSeq: 9_996, beforeSeq: 10_002, limit: 50 })).toEqual(
        range(9_997, 10_001),
      );
      expect(await seqsOf({ beforeSeq: 10_003, limit: 6 })).toEqual(range(9_997, 10_002));
      expect(await seqsOf({ beforeSeq: 10_001, limit: 50 })).toEqual(range(9_995, 10_000));
      expect(await seqsOf({ beforeSeq: 20_000, limit: 3 })).toEqual(range(10_008, 10_010));
      expect(await seqsOf({ limit: 12 })).toEqual(range(9_999, 10_010));
      expect(await seqsOf({ limit: 100 })).toEqual(range(9_995, 10_010));
      expect((await store.getConversation('c1'))!.lastSeq).toBe(10_010);
      expect((await store.getInbox('bob'))[0].lastMessage).toEqual(message('c1', 10_010));
    });

    it('follows the paging state past short and empty pages (fetchSize 3)', async () => {
      const small = await CassandraReadModelStore.open(client, {
        ...options(),
        createSchema: false,
        fetchSize: 3,
      });
      const members = ['u1', 'u2', 'u3', 'u4', 'u5', 'u6'];
      const puts = range(9_991, 10_012).map((seq) => putMessage('c1', seq));
      await small.apply([...startConversation('c1', members), ...puts], pos(1));
      expect([...(await small.getConversation('c1'))!.members].sort()).toEqual(members);
      expect((await small.getReceipts('c1')).length).toBe(6);
      expect(await seqsOf({ afterSeq: 0, limit: 1_000 }, small)).toEqual(range(9_991, 10_012));
      expect(await seqsOf({ afterSeq: 9_990, limit: 9 }, small)).toEqual(range(9_991, 9_999));
      expect(await seqsOf({ limit: 20 }, small)).toEqual(range(9_993, 10_012));
      await small.close();
    });

    it('is idempotent if run twice, whatever the batching', async () => {
      const history = chatHistory(3, 120);
      await applyInBatches(store, history, 25);
      const once = await snapshot(store);
      await applyInBatches(store, history, 25);
      expect(await snapshot(store)).toEqual(once);
      await applyInBatches(store, history, 7);
      expect(await snapshot(store)).toEqual(once);
    });

    it('never moves the checkpoint back, while still (re)writing an older batch’s rows', async () => {
      await store.apply(startConversation('c1', ['alice']), pos(20));
      await store.apply([putMessage('c1', 1)], pos(10));
      expect(await store.getCheckpoint()).toBe(pos(20));
      expect((await store.getConversation('c1'))!.lastSeq).toBe(1);
      await store.apply([], pos(21));
      expect(await store.getCheckpoint()).toBe(pos(21));
    });

    it('a failed row write leaves the checkpoint where it was', async () => {
      await store.apply(startConversation('c1', ['alice']), pos(1));
      // A partition key over 64 KiB is refused by the server.
      const tooLong = { ...message('c1', 2), conversationId: 'x'.repeat(70_000) };
      await expect(
        store.apply([putMessage('c1', 2), { op: 'putMessage', message: tooLong }], pos(2)),
      ).rejects.toThrow();
      expect(await store.getCheckpoint()).toBe(pos(1));
      // Re-applied once the cause is gone, the batch converges.
      await store.apply([putMessage('c1', 2)], pos(2));
      expect(await store.getCheckpoint()).toBe(pos(2));
      expect(await seqsOf({ afterSeq: 0, limit: 10 })).toEqual([2]);
    });

    it('watermarks keep the max under concurrent, out-of-order writers (no LWT, no read)', async () => {
      const other = await CassandraReadModelStore.open(client, {
        ...options(),
        createSchema: false,
      });
      await store.apply(startConversation('c1', ['alice', 'bob']), pos(1));
      await Promise.all([
        store.apply([raise('c1', 'bob', 9, 4), putMessage('c1', 9)], pos(3)),
        other.apply([raise('c1', 'bob', 5, 7), putMessage('c1', 5)], pos(2)),
        other.apply([raise('c1', 'bob', 3, 3), putMessage('c1', 3)], pos(2)),
      ]);
      await other.apply([raise('c1', 'bob', 1, 1), putMessage('c1', 1)], pos(1));
      expect(await store.getReceipt('c1', 'bob')).toEqual({
        userId: 'bob',
        deliveredSeq: 9,
        readSeq: 7,
      });
      const [entry] = await store.getInbox('bob');
      expect([entry.lastSeq, entry.lastMessage?.seq, entry.unreadCount]).toEqual([9, 9, 2]);
      await other.close();
    });

    it('rebuild from zero equals incremental (crossing a bucket boundary)', async () => {
      const history = [
        ...chatHistory(3, 60),
        ...range(1, 10_050).map((seq): ReadModelOp => putMessage('big', seq, `u${seq % 4}`)),
      ];
      const withBig = [...startConversation('big', ['u0', 'u1', 'u2', 'u3']), ...history];
      await applyInBatches(store, withBig, 200);
      const incremental = await snapshot(store, ['big']);

      await store.clear();
      expect(await store.getCheckpoint()).toBe('');
      await applyInBatches(store, withBig, 2_000);
      expect(await snapshot(store, ['big'])).toEqual(incremental);
      expect((await store.getConversation('big'))!.lastSeq).toBe(10_050);
    }, 120_000);
  });

  it('connect() creates the schema idempotently and close() shuts its client down', async () => {
    const store = await CassandraReadModelStore.connect(options());
    await store.apply(startConversation('cx', ['alice']), pos(1));
    expect((await store.getConversation('cx'))!.members).toEqual(['alice']);
    await store.close();
    await expect(store.getCheckpoint()).rejects.toThrow();
  });
});

/**
 * A small chat history as batches of ops, the way project() emits them: conversations started,
 * members added and removed, messages with the sender's own receipt, delivered/read receipts.
 */
function chatHistory(conversations: number, messagesEach: number): ReadModelOp[] {
  const ops: ReadModelOp[] = [];
  const users = ['alice', 'bob', 'carol', 'dave'];
  for (let c = 0; c < conversations; c++) {
    ops.push(...startConversation(`c${c}`, users.slice(0, 3), { title: `T${c}`, minute: c }));
  }
  for (let seq = 1; seq <= messagesEach; seq++) {
    for (let c = 0; c < conversations; c++) {
      const conversationId = `c${c}`;
      const sender = users[(seq + c) % 3];
      ops.push(putMessage(conversationId, seq, sender, 100 + seq));
      ops.push(raise(conversationId, sender, seq, seq));
      if (seq % 5 === 0) ops.push(raise(conversationId, users[(seq + c + 1) % 3], seq, seq - 2));
      if (seq % 7 === 0) ops.push(raise(conversationId, users[(seq + c + 2) % 3], seq - 1, 0));
      if (seq === 40) ops.push({ op: 'addMembers', conversationId, userIds: ['dave'] });
      if (seq === 80) ops.push({ op: 'removeMembers', conversationId, userIds: ['alice'] });
    }
  }
  return ops;
}

async function applyInBatches(store: CassandraReadModelStore, ops: ReadModelOp[], size: number) {
  for (let start = 0; start < ops.length; start += size) {
    // Positions stand for the op index, so every batching ends on the same checkpoint.
    const end = Math.min(start + size, ops.length);
    await store.apply(ops.slice(start, end), pos(end));
  }
}

const snapshot = (store: CassandraReadModelStore, extra: string[] = []) =>
  snapshotOf(store, ['c0', 'c1', 'c2', ...extra], ['alice', 'bob', 'carol', 'dave', 'u0', 'u1']);
