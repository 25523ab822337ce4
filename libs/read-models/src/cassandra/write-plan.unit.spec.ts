import { message, putMessage, raise, startConversation } from '../testing/read-model-fixtures';
import { statementsFor } from './cassandra-statements';
import { MAX_BATCH_ROWS, planRequests, Query, WriteRequest } from './plan-requests';
import { bucketOf } from './timeline-buckets';
import { planWrites } from './write-plan';

describe('planWrites: one write per row, in any order', () => {
  it('folds add/remove of the same member to its last state', () => {
    const plan = planWrites([
      ...startConversation('c1', ['alice', 'bob']),
      { op: 'removeMembers', conversationId: 'c1', userIds: ['bob'] },
      { op: 'addMembers', conversationId: 'c1', userIds: ['carol'] },
      { op: 'removeMembers', conversationId: 'c1', userIds: ['carol'] },
      { op: 'addMembers', conversationId: 'c1', userIds: ['bob'] },
    ]);
    expect(plan.memberships).toEqual([
      { conversationId: 'c1', userId: 'alice', member: true },
      { conversationId: 'c1', userId: 'bob', member: true },
      { conversationId: 'c1', userId: 'carol', member: false },
    ]);
  });

  it('folds raises per (conversation, user) with max and read ⇒ delivered; drops all-zero', () => {
    const plan = planWrites([
      raise('c1', 'bob', 2, 1),
      raise('c1', 'bob', 6, 0),
      raise('c1', 'bob', 1, 4),
      raise('c2', 'bob', 0, 3),
      raise('c1', 'carol', 0, 0),
    ]);
    expect(plan.receipts).toEqual([
      { conversationId: 'c1', userId: 'bob', deliveredSeq: 6, readSeq: 4 },
      { conversationId: 'c2', userId: 'bob', deliveredSeq: 3, readSeq: 3 },
    ]);
  });

  it('keeps one row per (conversation, seq) and the highest message per conversation as head', () => {
    const plan = planWrites([
      putMessage('c1', 2),
      putMessage('c1', 3),
      putMessage('c1', 1),
      putMessage('c1', 3),
      putMessage('c10', 1),
    ]);
    expect(plan.messages.map((m) => [m.conversationId, m.seq])).toEqual([
      ['c1', 2],
      ['c1', 3],
      ['c1', 1],
      ['c10', 1],
    ]);
    expect(plan.heads).toEqual([message('c1', 3), message('c10', 1)]);
  });
});

describe('planRequests', () => {
  const cql = statementsFor('ks');
  const queriesOf = (request: WriteRequest): Query[] =>
    'batch' in request ? request.batch : [request];
  const timelinePartition = (q: Query) => JSON.stringify([q.params[0], q.params[1]]);

  it('batches only rows of one partition, crossing a bucket boundary into two partitions', () => {
    const ops = Array.from({ length: 16 }, (_, i) => putMessage('c1', 9_995 + i));
    const requests = planRequests(planWrites(ops), cql);
    const timeline = requests.filter((r) => queriesOf(r)[0].query === cql.putMessage);
    expect(timeline.map((r) => queriesOf(r).map((q) => q.params[2]))).toEqual([
      [9_995, 9_996, 9_997, 9_998, 9_999],
      [10_000, 10_001, 10_002, 10_003, 10_004, 10_005, 10_006, 10_007, 10_008, 10_009, 10_010],
    ]);
    for (const request of timeline) {
      expect(new Set(queriesOf(request).map(timelinePartition)).size).toBe(1);
    }
    expect(bucketOf(9_999)).toBe(0);
    expect(bucketOf(10_000)).toBe(1);
  });

  it('caps batches by rows and by text size', () => {
    const many = Array.from({ length: MAX_BATCH_ROWS + 1 }, (_, i) => putMessage('c1', i + 1));
    const byRows = planRequests(planWrites(many), cql).filter(
      (r) => queriesOf(r)[0].query === cql.putMessage,
    );
    expect(byRows.map((r) => queriesOf(r).length)).toEqual([MAX_BATCH_ROWS, 1]);

    const big = (seq: number) => ({
      op: 'putMessage' as const,
      message: { ...message('c1', seq), body: 'x'.repeat(200_000) },
    });
    const bySize = planRequests(planWrites([1, 2, 3, 4].map(big)), cql).filter(
      (r) => queriesOf(r)[0].query === cql.putMessage,
    );
    expect(bySize.map((r) => queriesOf(r).length)).toEqual([2, 2]);
  });

  it('stamps each watermark cell with its own value, one statement per cell value', () => {
    const requests = planRequests(
      planWrites([raise('c1', 'bob', 7, 7), raise('c1', 'carol', 5, 2), raise('c1', 'dave', 4, 0)]),
      cql,
    );
    expect(requests).toEqual([
      {
        batch: [
          { query: cql.raiseBoth, params: [7, 7, 7, 'c1', 'bob'] },
          { query: cql.raiseDelivered, params: [5, 5, 'c1', 'carol'] },
          { query: cql.raiseRead, params: [2, 2, 'c1', 'carol'] },
          { query: cql.raiseDelivered, params: [4, 4, 'c1', 'dave'] },
        ],
      },
    ]);
  });

  it('writes the head with its seq as the write timestamp', () => {
    const requests = planRequests(planWrites([putMessage('c1', 4)]), cql);
    expect(requests).toContainEqual({
      query: cql.raiseHead,
      params: [4, 4, JSON.stringify(message('c1', 4)), 'c1'],
    });
  });
});
