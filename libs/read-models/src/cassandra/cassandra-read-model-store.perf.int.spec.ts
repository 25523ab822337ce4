import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Client, concurrent } from 'cassandra-driver';
import { ReadModelOp } from '../../../domain/src';
import { pos, raise, startConversation } from '../testing/read-model-fixtures';
import {
  CassandraReadModelOptions,
  cassandraOptionsFromEnv,
  resolveOptions,
} from './cassandra-options';
import { CassandraReadModelStore } from './cassandra-read-model-store';
import { connectClient } from './connect-client';

/**
 * The figures in docs/adr-cassandra-read-models.md. Opt-in (CASSANDRA_PERF=1 and a server):
 * it writes tens of thousands of rows and prints its results, it asserts nothing about speed.
 *   set -a; . .infra/env; set +a
 *   CASSANDRA_PERF=1 npx jest --selectProjects int --testPathPattern cassandra-read-model-store.perf
 */
const enabled = Boolean(process.env.CASSANDRA_CONTACT_POINTS && process.env.CASSANDRA_PERF);
if (!enabled) {
  describe('Cassandra read models: measurements', () =>
    it.skip('opt-in: CASSANDRA_PERF=1 with CASSANDRA_CONTACT_POINTS', () => {}));
}
const describePerf = enabled ? describe : () => undefined;

const EVENTS = 20_000;
const EVENTS_PER_BATCH = 200;
const PAGE_READS = 2_000;

describePerf('Cassandra read models: measurements', () => {
  const keyspace = `rm_perf_${process.pid}_${randomUUID().slice(0, 8)}`;
  const options = (): CassandraReadModelOptions => ({ ...cassandraOptionsFromEnv(), keyspace });
  let client: Client;
  let store: CassandraReadModelStore;
  const results: Record<string, unknown> = {};

  beforeAll(async () => {
    client = await connectClient(resolveOptions(options()));
    store = await CassandraReadModelStore.open(client, options());
  }, 120_000);

  afterAll(async () => {
    process.stdout.write(`CASSANDRA READ-MODEL FIGURES ${JSON.stringify(results, null, 2)}\n`);
    await store?.close();
    await client?.execute(`DROP KEYSPACE IF EXISTS ${keyspace}`);
    await client?.shutdown();
  }, 60_000);

  /** EVENTS MessageSent, projected as project() does (putMessage + the sender's raise). */
  const messageSentOps = (conversations: number): ReadModelOp[][] => {
    const seqs = new Array<number>(conversations).fill(0);
    const batches: ReadModelOp[][] = [];
    let batch: ReadModelOp[] = [];
    for (let i = 0; i < EVENTS; i++) {
      const c = Math.floor(Math.random() * conversations);
      const conversationId = `conv-${conversations}-${c}`;
      const seq = ++seqs[c];
      const senderId = `user-${conversations}-${(c + seq) % 5}`;
      batch.push(
        {
          op: 'putMessage',
          message: {
            conversationId,
            seq,
            messageId: randomUUID(),
            clientMessageId: randomUUID(),
            senderId,
            body: `message ${seq} `.padEnd(80 + (i % 120), 'lorem ipsum '),
            attachments: [],
            sentAt: new Date(1_750_000_000_000 + i).toISOString(),
          },
        },
        raise(conversationId, senderId, seq, seq),
      );
      if (batch.length === EVENTS_PER_BATCH * 2) {
        batches.push(batch);
        batch = [];
      }
    }
    if (batch.length) batches.push(batch);
    return batches;
  };

  const percentile = (sorted: number[], p: number) =>
    sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
  const round = (n: number) => Math.round(n * 100) / 100;

  async function measureApply(label: string, conversations: number): Promise<void> {
    const members = [0, 1, 2, 3, 4].map((k) => `user-${conversations}-${k}`);
    const setup = Array.from({ length: conversations }, (_, c) =>
      startConversation(`conv-${conversations}-${c}`, members),
    ).flat();
    await store.apply(setup, pos(0));
    const batches = messageSentOps(conversations);
    const latencies: number[] = [];
    const started = performance.now();
    for (const [index, ops] of batches.entries()) {
      const t = performance.now();
      await store.apply(ops, pos(index + 1));
      latencies.push(performance.now() - t);
    }
    const seconds = (performance.now() - started) / 1000;
    latencies.sort((a, b) => a - b);
    results[label] = {
      events: EVENTS,
      ops: EVENTS * 2,
      batches: batches.length,
      seconds: round(seconds),
      eventsPerSecond: Math.round(EVENTS / seconds),
      opsPerSecond: Math.round((EVENTS * 2) / seconds),
      applyMsP50: round(percentile(latencies, 50)),
      applyMsP99: round(percentile(latencies, 99)),
    };
  }

  it('applies 20,000 MessageSent in batches of 200 over 1,000 conversations', async () => {
    await measureApply('apply, 1,000 conversations', 1_000);
  }, 600_000);

  it('applies 20,000 MessageSent in batches of 200 over 20 conversations', async () => {
    await measureApply('apply, 20 conversations', 20);
  }, 600_000);

  it('applies 20,000 MessageSent in batches of 200 in ONE conversation (crosses 2 buckets)', async () => {
    await measureApply('apply, 1 conversation', 1);
  }, 600_000);

  it('reads the inbox of a user in 20 and in 1,000 conversations', async () => {
    for (const conversations of [20, 1_000]) {
      const latencies: number[] = [];
      for (let i = 0; i < 20; i++) {
        const t = performance.now();
        const inbox = await store.getInbox(`user-${conversations}-${i % 5}`);
        latencies.push(performance.now() - t);
        expect(inbox.length).toBe(conversations);
      }
      latencies.sort((a, b) => a - b);
      results[`inbox of a user in ${conversations} conversations`] = {
        reads: 20,
        msP50: round(percentile(latencies, 50)),
        msMax: round(latencies[latencies.length - 1]),
      };
    }
  }, 600_000);

  it('baseline: 20,000 single prepared timeline inserts with executeConcurrent (64)', async () => {
    const params = Array.from({ length: EVENTS }, (_, i) => [
      `baseline-${i % 1_000}`,
      0,
      i,
      randomUUID(),
      randomUUID(),
      'user-0',
      'x'.repeat(80 + (i % 120)),
      '[]',
      new Date().toISOString(),
    ]);
    const started = performance.now();
    await concurrent.executeConcurrent(
      client,
      `INSERT INTO ${keyspace}.timeline (conversation_id, bucket, seq, message_id, client_message_id, sender_id, body, attachments, sent_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      params,
      { concurrencyLevel: 64 },
    );
    const seconds = (performance.now() - started) / 1000;
    results['baseline executeConcurrent rows'] = {
      rows: EVENTS,
      seconds: round(seconds),
      rowsPerSecond: Math.round(EVENTS / seconds),
    };
  }, 600_000);

  async function measureReads(
    label: string,
    conversations: number,
    page: (lastSeq: number) => Parameters<CassandraReadModelStore['getMessages']>[1],
  ): Promise<void> {
    const lastSeqs = await Promise.all(
      Array.from({ length: conversations }, async (_, c) => {
        const view = await store.getConversation(`conv-${conversations}-${c}`);
        return view!.lastSeq;
      }),
    );
    const latencies: number[] = [];
    for (let i = 0; i < PAGE_READS; i++) {
      const c = i % conversations;
      const t = performance.now();
      const messages = await store.getMessages(`conv-${conversations}-${c}`, page(lastSeqs[c]));
      latencies.push(performance.now() - t);
      expect(messages.length).toBe(Math.min(50, lastSeqs[c]));
    }
    latencies.sort((a, b) => a - b);
    results[label] = {
      reads: PAGE_READS,
      msP50: round(percentile(latencies, 50)),
      msP99: round(percentile(latencies, 99)),
      msMax: round(latencies[latencies.length - 1]),
    };
  }

  it('reads 50-message pages: newest, backwards (beforeSeq) and forwards (afterSeq)', async () => {
    await measureReads('page of 50, newest (20 conversations)', 20, () => ({ limit: 50 }));
    await measureReads('page of 50, beforeSeq (20 conversations)', 20, (last) => ({
      beforeSeq: last - 200,
      limit: 50,
    }));
    await measureReads('page of 50, afterSeq (20 conversations)', 20, () => ({
      afterSeq: 100,
      limit: 50,
    }));
    // In the one big conversation: pages that straddle the bucket boundary at 10,000.
    await measureReads('page of 50 across buckets (1 conversation)', 1, () => ({
      afterSeq: 9_975,
      limit: 50,
    }));
    await measureReads('page of 50, newest (1 conversation)', 1, () => ({ limit: 50 }));
  }, 600_000);
});
