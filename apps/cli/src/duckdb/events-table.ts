import { DuckDBAppender, DuckDBConnection, DuckDBInstance, timestampValue } from '@duckdb/node-api';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { RecordedEvent } from '../../../../libs/event-store/src/event-store.port';
import { conversationOf } from '../log/export-row';

/**
 * The log in DuckDB: a table filled through an appender, one page of events at a time.
 *
 * The database is a file in a temporary directory (removed on close), not `:memory:`, and
 * DuckDB's memory_limit (default 512MB here, `--memory-limit`) bounds what it keeps in memory:
 * the buffer manager writes table blocks to that file and spills large sorts and hash tables
 * into the same directory. So loading and querying a log larger than memory needs disk
 * (roughly the size of the Parquet export plus working space), not RAM.
 */

export type SqlType = 'VARCHAR' | 'BIGINT' | 'TIMESTAMP' | 'JSON';

export interface Column {
  name: string;
  type: SqlType;
  value(event: RecordedEvent): string | number | null;
}

const time = (e: RecordedEvent) => e.metadata.timestamp;

/** The `events` table of `chat events query`. */
export const QUERY_COLUMNS: readonly Column[] = [
  { name: 'position', type: 'VARCHAR', value: (e) => e.position },
  { name: 'stream', type: 'VARCHAR', value: (e) => e.streamId },
  { name: 'revision', type: 'BIGINT', value: (e) => e.revision },
  { name: 'type', type: 'VARCHAR', value: (e) => e.type },
  { name: 'time', type: 'TIMESTAMP', value: time },
  { name: 'actor', type: 'VARCHAR', value: (e) => e.metadata.actor },
  { name: 'conversation', type: 'VARCHAR', value: conversationOf },
  { name: 'id', type: 'VARCHAR', value: (e) => e.metadata.eventId },
  { name: 'correlation_id', type: 'VARCHAR', value: (e) => e.metadata.correlationId },
  { name: 'causation_id', type: 'VARCHAR', value: (e) => e.metadata.causationId },
  { name: 'hash', type: 'VARCHAR', value: (e) => e.metadata.hash },
  { name: 'data', type: 'JSON', value: (e) => JSON.stringify(e.data) },
];

/** The Parquet file of `chat events export --format parquet`: the NDJSON fields, typed. */
export const EXPORT_COLUMNS: readonly Column[] = [
  { name: 'id', type: 'VARCHAR', value: (e) => e.metadata.eventId },
  { name: 'type', type: 'VARCHAR', value: (e) => e.type },
  { name: 'position', type: 'VARCHAR', value: (e) => e.position },
  { name: 'stream', type: 'VARCHAR', value: (e) => e.streamId },
  { name: 'revision', type: 'BIGINT', value: (e) => e.revision },
  { name: 'time', type: 'TIMESTAMP', value: time },
  { name: 'actor', type: 'VARCHAR', value: (e) => e.metadata.actor },
  { name: 'conversation', type: 'VARCHAR', value: conversationOf },
  { name: 'data', type: 'JSON', value: (e) => JSON.stringify(e.data) },
  { name: 'metadata', type: 'JSON', value: (e) => JSON.stringify(e.metadata) },
];

export interface DuckDbOptions {
  /** DuckDB memory_limit, e.g. "1GB". */
  memoryLimit?: string;
  /** Where the temporary database and spill files go. Default: the OS temp directory. */
  tempDir?: string;
  threads?: number;
}

export interface DuckSession {
  connection: DuckDBConnection;
  close(): void;
}

export async function openDuckDb(options: DuckDbOptions = {}): Promise<DuckSession> {
  const dir = mkdtempSync(join(options.tempDir ?? tmpdir(), 'chat-duckdb-'));
  const config: Record<string, string> = {
    memory_limit: options.memoryLimit ?? '512MB',
    temp_directory: join(dir, 'spill'),
  };
  if (options.threads !== undefined) config.threads = String(options.threads);
  let instance: DuckDBInstance;
  try {
    instance = await DuckDBInstance.create(join(dir, 'events.duckdb'), config);
  } catch (err) {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
  const connection = await instance.connect();
  let closed = false;
  return {
    connection,
    close() {
      if (closed) return;
      closed = true;
      connection.closeSync();
      instance.closeSync();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const quoteIdentifier = (name: string): string => `"${name.replace(/"/g, '""')}"`;

export const quoteLiteral = (text: string): string => `'${text.replace(/'/g, "''")}'`;

export async function createTable(
  connection: DuckDBConnection,
  table: string,
  columns: readonly Column[],
): Promise<void> {
  const defs = columns.map((c) => `${quoteIdentifier(c.name)} ${c.type}`).join(', ');
  await connection.run(`CREATE TABLE ${quoteIdentifier(table)} (${defs})`);
}

/** Appends events to a table created with the same columns; flush() after each page. */
export class EventAppender {
  private rows = 0;

  private constructor(
    private readonly appender: DuckDBAppender,
    private readonly columns: readonly Column[],
  ) {}

  static async open(
    connection: DuckDBConnection,
    table: string,
    columns: readonly Column[],
  ): Promise<EventAppender> {
    return new EventAppender(await connection.createAppender(table), columns);
  }

  get count(): number {
    return this.rows;
  }

  append(events: readonly RecordedEvent[]): void {
    const { appender, columns } = this;
    for (const event of events) {
      for (const column of columns) appendValue(appender, column.type, column.value(event));
      appender.endRow();
      this.rows++;
    }
  }

  flush(): void {
    this.appender.flushSync();
  }

  close(): void {
    this.appender.closeSync();
  }
}

function appendValue(appender: DuckDBAppender, type: SqlType, value: string | number | null): void {
  if (value === null) return appender.appendNull();
  switch (type) {
    case 'VARCHAR':
    case 'JSON':
      return appender.appendVarchar(String(value));
    case 'BIGINT':
      return appender.appendBigInt(BigInt(value));
    case 'TIMESTAMP': {
      const ms = typeof value === 'number' ? value : Date.parse(value);
      if (Number.isNaN(ms)) return appender.appendNull();
      return appender.appendTimestamp(timestampValue(BigInt(ms) * 1000n));
    }
  }
}
