import { Client } from 'cassandra-driver';
import { ResolvedCassandraOptions } from './cassandra-options';

/**
 * The schema, created at start with `IF NOT EXISTS` (idempotent; on an existing schema each
 * statement is a local metadata check, no schema change). Kept to CQL that Cassandra 4/5 and
 * ScyllaDB share: no SAI, no materialized views, no counters, no LWT.
 *
 * Tables (all keyed by natural identity, so every write is an upsert):
 * - timeline       ((conversation_id, bucket), seq): one row per message, bucket = ⌊seq/10,000⌋
 * - conversations  (conversation_id, user_id): ONE partition per conversation for its small state,
 *     static columns: kind, title, created_at (the header); last_seq, last_message (the head,
 *       written USING TIMESTAMP = seq);
 *     one row per user who is or was a member or has watermarks: member (true/false),
 *       delivered_seq, read_seq (written USING TIMESTAMP = seq).
 *   A batch's writes to one conversation are one single-partition batch (one mutation), and a
 *   conversation view, its receipts or an inbox entry is one partition read.
 * - inbox          (user_id, conversation_id): the user's conversations (current member)
 * - checkpoints    (projection): position, the last applied global position
 */
export const TABLES = ['checkpoints', 'conversations', 'inbox', 'timeline'] as const;

export type TableName = (typeof TABLES)[number];

/**
 * Keyspace DDL, per backend. ScyllaDB may create tablet keyspaces, which Cassandra rejects as
 * an option; none of our tables needs tablets off (no counters, CDC or materialized views), so the
 * option is only rendered when asked for.
 */
export function keyspaceCql(options: ResolvedCassandraOptions): string {
  const replication = cqlMap(options.replication);
  const base = `CREATE KEYSPACE IF NOT EXISTS ${options.keyspace} WITH replication = ${replication} AND durable_writes = true`;
  switch (options.backend) {
    case 'cassandra':
      if (options.scyllaTablets !== undefined) {
        throw new Error('scyllaTablets is a ScyllaDB keyspace option; Cassandra rejects it');
      }
      return base;
    case 'scylla':
      return options.scyllaTablets === undefined
        ? base
        : `${base} AND tablets = {'enabled': ${options.scyllaTablets}}`;
  }
}

/** Table DDL, shared by both backends. */
export function tablesCql(keyspace: string): Record<TableName, string> {
  return {
    checkpoints: `CREATE TABLE IF NOT EXISTS ${keyspace}.checkpoints (
      projection text PRIMARY KEY,
      position text)`,
    conversations: `CREATE TABLE IF NOT EXISTS ${keyspace}.conversations (
      conversation_id text,
      user_id text,
      kind text STATIC,
      title text STATIC,
      created_at text STATIC,
      last_seq bigint STATIC,
      last_message text STATIC,
      member boolean,
      delivered_seq bigint,
      read_seq bigint,
      PRIMARY KEY (conversation_id, user_id))`,
    inbox: `CREATE TABLE IF NOT EXISTS ${keyspace}.inbox (
      user_id text,
      conversation_id text,
      PRIMARY KEY (user_id, conversation_id))`,
    timeline: `CREATE TABLE IF NOT EXISTS ${keyspace}.timeline (
      conversation_id text,
      bucket int,
      seq bigint,
      message_id text,
      client_message_id text,
      sender_id text,
      body text,
      attachments text,
      sent_at text,
      PRIMARY KEY ((conversation_id, bucket), seq))
      WITH CLUSTERING ORDER BY (seq ASC)`,
  };
}

/** Creates what is missing, one statement at a time (the driver waits for schema agreement). */
export async function ensureSchema(
  client: Client,
  options: ResolvedCassandraOptions,
): Promise<void> {
  await client.execute(keyspaceCql(options));
  const tables = tablesCql(options.keyspace);
  for (const table of TABLES) await client.execute(tables[table]);
}

/** A CQL map literal of strings: {'class': 'NetworkTopologyStrategy', 'dc1': '3'}. */
function cqlMap(entries: Record<string, string | number>): string {
  const quote = (value: string | number) => `'${String(value).replace(/'/g, "''")}'`;
  const pairs = Object.entries(entries).map(([key, value]) => `${quote(key)}: ${quote(value)}`);
  return `{${pairs.join(', ')}}`;
}
