import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createLogger } from '../../../platform/src/logger';
import { SnapshotStore, StreamSnapshot } from '../snapshot-store.port';
import { ConnectionOptions, connectionConfig, createPool, verifyConnection } from './connection';
import { migrate } from './migrations';
import { schemaNames } from './schema-names';

interface SnapshotRow {
  revision: string;
  hash: string;
  schema_version: number;
  state: unknown;
}

export interface PostgresSnapshotStoreOptions {
  /** Schema of the event store whose streams these snapshots fold. Default 'event_store'. */
  schema?: string;
}

/**
 * Snapshots in the event store's schema: one row per stream, replaced only by a higher
 * revision (`ON CONFLICT … DO UPDATE … WHERE stored.revision < new.revision`), so concurrent
 * savers in several processes can only move it forward. `state` is `json` (stored as written).
 */
export class PostgresSnapshotStore implements SnapshotStore {
  private readonly table: string;
  private ownsPool = false;

  /** On a pool whose schema is migrated (PostgresEventStore#snapshotStore, or connect()). */
  constructor(
    private readonly pool: Pool,
    options: PostgresSnapshotStoreOptions = {},
  ) {
    this.table = schemaNames(options.schema ?? 'event_store').q('snapshots');
  }

  /** Its own small pool, migrated; close() ends it. */
  static async connect(
    url: string,
    options: PostgresSnapshotStoreOptions & Partial<ConnectionOptions> & { logger?: Logger } = {},
  ): Promise<PostgresSnapshotStore> {
    const settings: ConnectionOptions = {
      poolSize: options.poolSize ?? 4,
      statementTimeoutMs: options.statementTimeoutMs ?? 30_000,
      connectTimeoutMs: options.connectTimeoutMs ?? 5_000,
      applicationName: options.applicationName ?? 'eventchat-snapshot-store',
    };
    const logger = options.logger ?? createLogger(undefined, 'snapshot-store');
    const pool = createPool(connectionConfig(url, settings), settings, logger);
    try {
      await verifyConnection(pool, url);
      await migrate(pool, schemaNames(options.schema ?? 'event_store'));
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    const store = new PostgresSnapshotStore(pool, options);
    store.ownsPool = true;
    return store;
  }

  async load(streamId: string): Promise<StreamSnapshot | undefined> {
    const { rows } = await this.pool.query<SnapshotRow>(
      `SELECT revision, hash, schema_version, state FROM ${this.table} WHERE stream_id = $1`,
      [streamId],
    );
    const row = rows[0];
    return (
      row && {
        revision: Number(row.revision),
        hash: row.hash,
        schemaVersion: row.schema_version,
        state: row.state,
      }
    );
  }

  async save(streamId: string, snapshot: StreamSnapshot): Promise<void> {
    const { revision, hash, schemaVersion, state } = snapshot;
    if (!Number.isSafeInteger(revision) || revision < 0) {
      throw new TypeError(`snapshot revision must be a non-negative integer, got ${revision}`);
    }
    const json = JSON.stringify(state);
    if (json === undefined) throw new TypeError('snapshot state must be JSON-serialisable');
    await this.pool.query(
      `INSERT INTO ${this.table} AS stored (stream_id, revision, hash, schema_version, state)
       VALUES ($1, $2, $3, $4, $5::json)
       ON CONFLICT (stream_id) DO UPDATE
         SET revision = excluded.revision, hash = excluded.hash,
             schema_version = excluded.schema_version, state = excluded.state, saved_at = now()
         WHERE stored.revision < excluded.revision`,
      [streamId, revision, hash, schemaVersion, json],
    );
  }

  /** Ends the pool if connect() made it (a shared pool belongs to its event store). */
  async close(): Promise<void> {
    if (this.ownsPool) await this.pool.end();
  }
}
