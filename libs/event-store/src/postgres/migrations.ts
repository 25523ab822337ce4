import type { Pool } from 'pg';
import { appendBatchFunction } from './append-batch-function';
import { SchemaNames } from './schema-names';

interface Migration {
  version: number;
  sql: (n: SchemaNames) => string;
}

/**
 * The schema, as ordered steps. A step is never edited once released: changes are new steps.
 *
 * - `events`: the log. `global_position` is dense and committed in order (append_batch's lock);
 *   `(stream_id, revision)` and `event_id` are unique, the latter forever, so ids derived from
 *   idempotency keys give lasting idempotency. `data`/`metadata` are `json` (the text as
 *   written: unlike jsonb it stores any JSON a writer can produce, "\u0000" included, and costs
 *   only a validation on insert); metadata is stored without `hash`, which has its own column.
 *   `stream_id` and `type` use the C collation: byte order, so a stream-prefix filter is an
 *   index range.
 * - `snapshots`: one row per stream, moved only forward (PostgresSnapshotStore).
 */
const MIGRATIONS: Migration[] = [
  {
    version: 1,
    sql: (n) => `
CREATE TABLE IF NOT EXISTS ${n.q('events')} (
  global_position bigint NOT NULL,
  stream_id text COLLATE "C" NOT NULL,
  revision bigint NOT NULL CHECK (revision >= 0),
  event_id text NOT NULL,
  type text COLLATE "C" NOT NULL,
  data json NOT NULL,
  metadata json NOT NULL,
  hash text NOT NULL,
  CONSTRAINT events_pkey PRIMARY KEY (global_position),
  CONSTRAINT events_stream_revision UNIQUE (stream_id, revision),
  CONSTRAINT events_event_id UNIQUE (event_id)
);
CREATE TABLE IF NOT EXISTS ${n.q('snapshots')} (
  stream_id text COLLATE "C" NOT NULL PRIMARY KEY,
  revision bigint NOT NULL,
  hash text NOT NULL,
  schema_version int NOT NULL,
  state json NOT NULL,
  saved_at timestamptz NOT NULL DEFAULT now()
);
${appendBatchFunction(n)};`,
  },
];

export const LATEST_SCHEMA_VERSION = MIGRATIONS[MIGRATIONS.length - 1].version;

/**
 * Brings the schema to the latest version. Safe when several processes start at once: the
 * whole migration is one transaction under a transaction-scoped advisory lock, so one process
 * applies the missing steps and the others then find them applied. Refuses a database whose
 * schema is newer than this build.
 */
export async function migrate(pool: Pool, n: SchemaNames): Promise<{ from: number; to: number }> {
  const client = await pool.connect();
  let failed: unknown;
  try {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock($1, $2)', n.migrationLock);
    await client.query(`CREATE SCHEMA IF NOT EXISTS "${n.schema}"`);
    await client.query(`CREATE TABLE IF NOT EXISTS ${n.q('schema_version')} (
      version int PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now())`);
    const { rows } = await client.query<{ v: number }>(
      `SELECT coalesce(max(version), 0)::int AS v FROM ${n.q('schema_version')}`,
    );
    const from = rows[0].v;
    if (from > LATEST_SCHEMA_VERSION) {
      throw new Error(
        `event store schema "${n.schema}" is at version ${from}, newer than this build knows (${LATEST_SCHEMA_VERSION})`,
      );
    }
    for (const step of MIGRATIONS.filter((m) => m.version > from)) {
      await client.query(step.sql(n));
      await client.query(`INSERT INTO ${n.q('schema_version')} (version) VALUES ($1)`, [
        step.version,
      ]);
    }
    await client.query('COMMIT');
    return { from, to: LATEST_SCHEMA_VERSION };
  } catch (err) {
    failed = err;
    await client.query('ROLLBACK').catch(() => undefined);
    throw err;
  } finally {
    client.release(failed !== undefined); // a failed client is discarded, not reused
  }
}
