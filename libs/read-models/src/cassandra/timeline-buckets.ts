/**
 * The timeline is partitioned by (conversation_id, bucket) with bucket = ⌊seq / BUCKET_SIZE⌋:
 * a partition holds at most 10,000 messages whatever the conversation's age or traffic, so no
 * page read or compaction ever meets an unbounded partition, and a busy group spreads over
 * many partitions (and nodes) as it grows. Seqs are dense per conversation, so the buckets of a
 * conversation are 0..bucketOf(lastSeq), each full but the last.
 */
export const BUCKET_SIZE = 10_000;

export const bucketOf = (seq: number): number => Math.floor(seq / BUCKET_SIZE);
