import { TimelineMessage } from '../../../domain/src';
import { Statements } from './cassandra-statements';
import { bucketOf } from './timeline-buckets';
import { WritePlan } from './write-plan';

export interface Query {
  query: string;
  params: unknown[];
}

/**
 * One request to the server: a statement, or an UNLOGGED batch whose statements all write ONE
 * partition. Such a batch is applied as one mutation on the partition's replicas (one round
 * trip, no batchlog), which is what makes it cheaper than its statements one by one; batches
 * spanning partitions would instead load one coordinator, so there are none.
 */
export type WriteRequest = Query | { batch: Query[] };

/** Bounds of one single-partition batch: rows, and characters of text (≈ bytes of payload). */
export const MAX_BATCH_ROWS = 64;
export const MAX_BATCH_CHARS = 512 * 1024;

/**
 * The requests that write a plan; no two of them touch the same cell (see WritePlan). Per
 * conversation: one batch on its `conversations` partition (header, member flags, head,
 * watermarks), one per timeline bucket partition, and one inbox row per membership change.
 */
export function planRequests(plan: WritePlan, cql: Statements): WriteRequest[] {
  const requests: WriteRequest[] = [];
  const one = (query: string, ...params: unknown[]): Query => ({ query, params });
  const perConversation = new Map<string, { queries: Query[]; chars: number[] }>();
  const onConversation = (conversationId: string, query: Query, chars = 0) => {
    let group = perConversation.get(conversationId);
    if (!group) perConversation.set(conversationId, (group = { queries: [], chars: [] }));
    group.queries.push(query);
    group.chars.push(chars);
  };

  for (const c of plan.conversations) {
    onConversation(
      c.conversationId,
      c.title !== undefined
        ? one(cql.upsertHeader, c.kind, c.title, c.createdAt, c.conversationId)
        : one(cql.upsertHeaderUntitled, c.kind, c.createdAt, c.conversationId),
    );
  }
  for (const m of plan.memberships) {
    onConversation(m.conversationId, one(cql.setMember, m.member, m.conversationId, m.userId));
  }
  for (const head of plan.heads) {
    const json = JSON.stringify(head);
    const query = one(cql.raiseHead, head.seq, head.seq, json, head.conversationId);
    onConversation(head.conversationId, query, json.length);
  }
  for (const { conversationId, userId, deliveredSeq, readSeq } of plan.receipts) {
    // deliveredSeq ≥ readSeq (raiseWatermarks); each cell carries its own value as timestamp.
    if (deliveredSeq === readSeq) {
      const query = one(cql.raiseBoth, readSeq, deliveredSeq, readSeq, conversationId, userId);
      onConversation(conversationId, query);
      continue;
    }
    onConversation(
      conversationId,
      one(cql.raiseDelivered, deliveredSeq, deliveredSeq, conversationId, userId),
    );
    if (readSeq > 0) {
      onConversation(conversationId, one(cql.raiseRead, readSeq, readSeq, conversationId, userId));
    }
  }
  for (const { queries, chars } of perConversation.values()) {
    requests.push(...batches(queries, (_, i) => chars[i]));
  }

  for (const m of plan.memberships) {
    requests.push(one(m.member ? cql.addInbox : cql.removeInbox, m.userId, m.conversationId));
  }

  const partitions = groupBy(plan.messages, (m) =>
    JSON.stringify([m.conversationId, bucketOf(m.seq)]),
  );
  for (const messages of partitions.values()) {
    const queries = messages.map((m) => one(cql.putMessage, ...messageParams(m)));
    requests.push(...batches(queries, (_, i) => messages[i].body.length));
  }
  return requests;
}

/** Column values of `putMessage`, after conversation_id and bucket. */
function messageParams(m: TimelineMessage): unknown[] {
  return [
    m.conversationId,
    bucketOf(m.seq),
    m.seq,
    m.messageId,
    m.clientMessageId,
    m.senderId,
    m.body,
    JSON.stringify(m.attachments),
    m.sentAt,
  ];
}

/** Queries on one partition, cut into batches within the bounds; a lone query stays a query. */
function batches(
  queries: Query[],
  charsOf: (query: Query, index: number) => number = () => 0,
): WriteRequest[] {
  const out: WriteRequest[] = [];
  let current: Query[] = [];
  let chars = 0;
  const flush = () => {
    if (current.length === 1) out.push(current[0]);
    else if (current.length > 1) out.push({ batch: current });
    current = [];
    chars = 0;
  };
  for (const [index, query] of queries.entries()) {
    const size = charsOf(query, index);
    if (current.length >= MAX_BATCH_ROWS || (current.length > 0 && chars + size > MAX_BATCH_CHARS))
      flush();
    current.push(query);
    chars += size;
  }
  flush();
  return out;
}

function groupBy<T>(items: readonly T[], keyOf: (item: T) => string): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const item of items) {
    const key = keyOf(item);
    const group = groups.get(key);
    if (group) group.push(item);
    else groups.set(key, [item]);
  }
  return groups;
}
