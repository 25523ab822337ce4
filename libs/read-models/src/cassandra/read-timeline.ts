import { Client } from 'cassandra-driver';
import { TimelineMessage } from '../../../domain/src';
import { MessagePage } from '../read-model-store.port';
import { Statements } from './cassandra-statements';
import { forEachPage, PageOptions } from './paging';
import { toTimelineMessage } from './row-mapping';
import { bucketOf } from './timeline-buckets';

export interface TimelineSource {
  client: Client;
  cql: Statements;
  paging: PageOptions;
  /** The conversation's highest seq (0 without messages). */
  readLastSeq(conversationId: string): Promise<number>;
}

/** CQL's LIMIT is an int; a bound of "no bound" becomes the largest seq a number holds exactly. */
const MAX_LIMIT = 2 ** 31 - 1;
const NO_UPPER_BOUND = Number.MAX_SAFE_INTEGER;

/**
 * A page of the timeline, ascending, exactly as the LMDB adapter pages (MessagePage): with
 * afterSeq, the first `limit` above it (below beforeSeq if given); otherwise the newest `limit`
 * below beforeSeq (or overall). A page crosses bucket partitions as needed: the conversation's
 * last_seq says which buckets exist, since seqs are dense and bucket b holds [b·10⁴, (b+1)·10⁴).
 */
export async function readTimeline(
  source: TimelineSource,
  conversationId: string,
  page: MessagePage,
): Promise<TimelineMessage[]> {
  if (page.limit <= 0) return [];
  return page.afterSeq !== undefined
    ? readForward(source, conversationId, page.afterSeq, page.beforeSeq, page.limit)
    : readBackward(source, conversationId, page.beforeSeq, page.limit);
}

async function readForward(
  source: TimelineSource,
  conversationId: string,
  afterSeq: number,
  beforeSeq: number | undefined,
  limit: number,
): Promise<TimelineMessage[]> {
  const upper = Math.min(beforeSeq ?? NO_UPPER_BOUND, NO_UPPER_BOUND);
  const lowest = Math.max(afterSeq + 1, 0);
  if (lowest >= upper) return [];
  const read = (bucket: number, want: number) =>
    readBucket(source, conversationId, bucket, 'asc', afterSeq, upper, want);
  // The first bucket is known without last_seq: read both at once (one round trip).
  const first = bucketOf(lowest);
  const [lastSeq, messages] = await Promise.all([
    source.readLastSeq(conversationId),
    read(first, limit),
  ]);
  const last = bucketOf(Math.min(upper - 1, lastSeq));
  for (let bucket = first + 1; bucket <= last && messages.length < limit; bucket++) {
    messages.push(...(await read(bucket, limit - messages.length)));
  }
  return messages;
}

async function readBackward(
  source: TimelineSource,
  conversationId: string,
  beforeSeq: number | undefined,
  limit: number,
): Promise<TimelineMessage[]> {
  const upper = Math.min(beforeSeq ?? NO_UPPER_BOUND, NO_UPPER_BOUND);
  const read = (bucket: number, want: number) =>
    readBucket(source, conversationId, bucket, 'desc', undefined, upper, want);
  // With a beforeSeq, its bucket is the likely first one: read it while last_seq is read.
  const guess = beforeSeq !== undefined && upper > 0 ? bucketOf(upper - 1) : undefined;
  const [lastSeq, guessed] = await Promise.all([
    source.readLastSeq(conversationId),
    guess !== undefined ? read(guess, limit) : undefined,
  ]);
  const top = Math.min(upper - 1, lastSeq);
  if (top < 0) return [];
  const newestFirst: TimelineMessage[] = [];
  for (let bucket = bucketOf(top); bucket >= 0 && newestFirst.length < limit; bucket--) {
    const rows =
      bucket === guess && guessed ? guessed : await read(bucket, limit - newestFirst.length);
    newestFirst.push(...rows);
  }
  return newestFirst.reverse();
}

/** Up to `want` messages of one bucket strictly between the bounds, in the given seq order. */
async function readBucket(
  source: TimelineSource,
  conversationId: string,
  bucket: number,
  order: 'asc' | 'desc',
  afterSeq: number | undefined,
  beforeSeq: number,
  want: number,
): Promise<TimelineMessage[]> {
  const limit = Math.min(want, MAX_LIMIT);
  const [query, params] =
    order === 'asc'
      ? [source.cql.selectAscending, [conversationId, bucket, afterSeq, beforeSeq, limit]]
      : [source.cql.selectDescending, [conversationId, bucket, beforeSeq, limit]];
  const messages: TimelineMessage[] = [];
  await forEachPage(source.client, query, params, source.paging, (rows) => {
    for (const row of rows) messages.push(toTimelineMessage(conversationId, row));
    return messages.length < limit;
  });
  return messages;
}
