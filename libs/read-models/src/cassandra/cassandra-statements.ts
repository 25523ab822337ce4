/**
 * Every CQL statement the store runs after start-up (all prepared, so the driver routes each to
 * a replica of its partition).
 *
 * Watermark columns (conversations.last_seq/last_message, delivered_seq, read_seq) are only ever
 * written `USING TIMESTAMP <seq>`: Cassandra and ScyllaDB keep, per cell, the value with the
 * highest write timestamp, so the highest seq wins whatever the order, repetition or concurrency
 * of the writes: a max without LWT and without reading first. The other columns get the driver's
 * client-side (monotonic, microsecond) timestamps. Hence no row or partition of `conversations`
 * may ever be DELETEd (TRUNCATE only): a tombstone at a wall-clock timestamp (µs since 1970)
 * would shadow every later seq-stamped write. A removed member is `member = false`, not a delete.
 */
export function statementsFor(keyspace: string) {
  const ks = keyspace;
  const messageColumns =
    'seq, message_id, client_message_id, sender_id, body, attachments, sent_at';
  const conversations = `${ks}.conversations`;
  return {
    // writes
    upsertCheckpoint: `INSERT INTO ${ks}.checkpoints (projection, position) VALUES (?, ?)`,
    // params: kind, title, created_at, conversation_id
    upsertHeader: `UPDATE ${conversations} SET kind = ?, title = ?, created_at = ? WHERE conversation_id = ?`,
    upsertHeaderUntitled: `UPDATE ${conversations} SET kind = ?, created_at = ? WHERE conversation_id = ?`,
    // params: member, conversation_id, user_id
    setMember: `UPDATE ${conversations} SET member = ? WHERE conversation_id = ? AND user_id = ?`,
    addInbox: `INSERT INTO ${ks}.inbox (user_id, conversation_id) VALUES (?, ?)`,
    removeInbox: `DELETE FROM ${ks}.inbox WHERE user_id = ? AND conversation_id = ?`,
    putMessage: `INSERT INTO ${ks}.timeline (conversation_id, bucket, ${messageColumns}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    // params: timestamp, last_seq, last_message, conversation_id
    raiseHead: `UPDATE ${conversations} USING TIMESTAMP ? SET last_seq = ?, last_message = ? WHERE conversation_id = ?`,
    // params: timestamp, value(s), conversation_id, user_id
    raiseBoth: `UPDATE ${conversations} USING TIMESTAMP ? SET delivered_seq = ?, read_seq = ? WHERE conversation_id = ? AND user_id = ?`,
    raiseDelivered: `UPDATE ${conversations} USING TIMESTAMP ? SET delivered_seq = ? WHERE conversation_id = ? AND user_id = ?`,
    raiseRead: `UPDATE ${conversations} USING TIMESTAMP ? SET read_seq = ? WHERE conversation_id = ? AND user_id = ?`,
    // reads
    selectCheckpoint: `SELECT position FROM ${ks}.checkpoints WHERE projection = ?`,
    /** The whole conversation partition: the static columns come with every row. */
    selectConversation: `SELECT kind, title, created_at, last_seq, last_message, user_id, member, delivered_seq, read_seq FROM ${conversations} WHERE conversation_id = ?`,
    selectLastSeq: `SELECT last_seq FROM ${conversations} WHERE conversation_id = ? LIMIT 1`,
    selectInbox: `SELECT conversation_id FROM ${ks}.inbox WHERE user_id = ?`,
    selectReceipt: `SELECT delivered_seq, read_seq FROM ${conversations} WHERE conversation_id = ? AND user_id = ?`,
    // params: conversation_id, bucket, afterSeq (exclusive), beforeSeq (exclusive), limit
    selectAscending: `SELECT ${messageColumns} FROM ${ks}.timeline WHERE conversation_id = ? AND bucket = ? AND seq > ? AND seq < ? LIMIT ?`,
    // params: conversation_id, bucket, beforeSeq (exclusive), limit
    selectDescending: `SELECT ${messageColumns} FROM ${ks}.timeline WHERE conversation_id = ? AND bucket = ? AND seq < ? ORDER BY seq DESC LIMIT ?`,
  } as const;
}

export type Statements = ReturnType<typeof statementsFor>;
