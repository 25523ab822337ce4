import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pino, { Logger } from 'pino';
import { EventStore, Position } from '../../../../libs/event-store/src/event-store.port';
import { LmdbEventStore } from '../../../../libs/event-store/src/lmdb/lmdb-event-store';
import { padU64, START } from '../../../../libs/event-store/src/position';
import { EVENTS_DIR } from '../../../../libs/platform/src/data-dirs';
import { CliError, UsageError } from '../cli-error';

/**
 * The one place that turns the CLI's store options into an open EventStore.
 *
 * - embedded (`--data-dir`, default $DATA_DIR or ./data): the LMDB log under `<dir>/events`,
 *   opened read-only, so it runs beside the server that writes it (LMDB readers never block the
 *   writer; ADR-8);
 * - PostgreSQL (`--database-url`, or $DATABASE_URL): a small pool on the existing schema. The
 *   CLI never migrates (PostgresEventStore.connect would): a missing schema is an error;
 * - EventStoreDB (`--eventstore-url`, or $EVENTSTORE_URL).
 *
 * An explicit option wins over the environment; two explicit ones are a usage error.
 */

export interface StoreOptions {
  dataDir?: string;
  databaseUrl?: string;
  eventstoreUrl?: string;
  /** PostgreSQL schema of the event store. Default event_store. */
  pgSchema?: string;
}

export type StoreSelection =
  | { kind: 'lmdb'; dataDir: string }
  | { kind: 'postgres'; url: string; schema: string }
  | { kind: 'eventstoredb'; url: string };

/** Which store the options (then the environment) name. Pure. */
export function selectStore(options: StoreOptions, env: NodeJS.ProcessEnv): StoreSelection {
  const explicit = [
    options.dataDir !== undefined && '--data-dir',
    options.databaseUrl !== undefined && '--database-url',
    options.eventstoreUrl !== undefined && '--eventstore-url',
  ].filter((o): o is string => o !== false);
  if (explicit.length > 1)
    throw new UsageError(`${explicit.join(' and ')} name different stores: give one`);
  const schema = options.pgSchema ?? 'event_store';
  if (options.databaseUrl !== undefined)
    return { kind: 'postgres', url: options.databaseUrl, schema };
  if (options.eventstoreUrl !== undefined)
    return { kind: 'eventstoredb', url: options.eventstoreUrl };
  if (options.dataDir !== undefined) return { kind: 'lmdb', dataDir: options.dataDir };
  const fromEnv = [
    env.DATABASE_URL && 'DATABASE_URL',
    env.EVENTSTORE_URL && 'EVENTSTORE_URL',
    env.DATA_DIR && 'DATA_DIR',
  ].filter((v): v is string => typeof v === 'string');
  if (fromEnv.length > 1)
    throw new UsageError(
      `${fromEnv.join(' and ')} are all set: pick the store with --data-dir, --database-url or --eventstore-url`,
    );
  if (env.DATABASE_URL) return { kind: 'postgres', url: env.DATABASE_URL, schema };
  if (env.EVENTSTORE_URL) return { kind: 'eventstoredb', url: env.EVENTSTORE_URL };
  return { kind: 'lmdb', dataDir: env.DATA_DIR || './data' };
}

export interface OpenedStore {
  selection: StoreSelection;
  /** Where the events are, for messages (passwords redacted). */
  description: string;
  store: EventStore;
  /**
   * The position of the log's last event now (START when it is empty), or undefined when the
   * store cannot tell cheaply. Bounds a pass and gives progress its total.
   */
  head(): Promise<Position | undefined>;
  /**
   * A number that grows with the position, for progress and ETA: the event count for the
   * dense positions of LMDB and PostgreSQL, the commit position (bytes) for EventStoreDB.
   */
  progressOf(position: Position): number;
  /** A position as a user types it ("42") in this store's form ("00000000000000000042"). */
  parsePosition(text: string): Position;
  /** False when readEvent cannot find events by id (EventStoreDB): search the log instead. */
  readonly canReadEventById: boolean;
  close(): Promise<void>;
}

/** Logs of the adapters go to stderr (stdout carries the command's output), warnings only. */
export function cliLogger(): Logger {
  return pino(
    { name: 'chat', level: process.env.LOG_LEVEL ?? 'warn', base: undefined },
    pino.destination({ fd: 2, sync: true }),
  );
}

export async function openStore(options: StoreOptions): Promise<OpenedStore> {
  const selection = selectStore(options, process.env);
  switch (selection.kind) {
    case 'lmdb':
      return openLmdb(selection);
    case 'postgres':
      return openPostgres(selection);
    case 'eventstoredb':
      return openEventStoreDb(selection);
  }
}

const DENSE = /^\d{1,20}$/;

function denseOrStart(position: Position): number {
  return position === START ? 0 : Number(position);
}

function parseDense(text: string): Position {
  if (!DENSE.test(text))
    throw new UsageError(`${JSON.stringify(text)} is not a position of this store (digits)`);
  return padU64(BigInt(text));
}

function openLmdb(selection: { kind: 'lmdb'; dataDir: string }): OpenedStore {
  const dir = join(resolve(selection.dataDir), EVENTS_DIR);
  if (!existsSync(join(dir, 'data.mdb')) && !existsSync(dir))
    throw new CliError(`no event log at ${dir} (is --data-dir the server's DATA_DIR?)`);
  let store: LmdbEventStore;
  try {
    store = LmdbEventStore.open(dir, { readOnly: true, logger: cliLogger() });
  } catch (err) {
    throw new CliError(`cannot open the event log at ${dir}: ${(err as Error).message}`);
  }
  return {
    selection,
    description: dir,
    store,
    // Positions are the dense log keys: the last one is also the number of events. The port
    // has no head; the adapter's layout knows it (one reverse key read). Should it move, the
    // CLI still works, only without a bound and an ETA.
    head: async () => {
      const layout = (store as unknown as { layout?: { lastPosition?: () => number } }).layout;
      if (typeof layout?.lastPosition !== 'function') return undefined;
      const last = layout.lastPosition();
      return last === 0 ? START : padU64(last);
    },
    progressOf: denseOrStart,
    parsePosition: parseDense,
    canReadEventById: true,
    close: () => store.close(),
  };
}

async function openPostgres(selection: {
  kind: 'postgres';
  url: string;
  schema: string;
}): Promise<OpenedStore> {
  // The drivers load only for the store in use.
  const { Pool } = await import('pg');
  const { connectionConfig, redact } =
    await import('../../../../libs/event-store/src/postgres/connection');
  const { PostgresEventStore } =
    await import('../../../../libs/event-store/src/postgres/postgres-event-store');
  const { schemaNames } = await import('../../../../libs/event-store/src/postgres/schema-names');
  const logger = cliLogger();
  let names: ReturnType<typeof schemaNames>;
  try {
    names = schemaNames(selection.schema);
  } catch (err) {
    throw new UsageError(`--pg-schema: ${(err as Error).message}`);
  }
  const config = connectionConfig(selection.url, {
    poolSize: 2,
    statementTimeoutMs: 600_000,
    connectTimeoutMs: 10_000,
    applicationName: 'eventchat-cli',
  });
  const pool = new Pool({ ...config, max: 2 });
  pool.on('error', (err) => logger.warn({ err }, 'PostgreSQL connection lost'));
  const where = `PostgreSQL at ${redact(selection.url)}, schema ${selection.schema}`;
  const events = names.q('events');
  try {
    await pool.query(`SELECT 1 FROM ${events} LIMIT 0`);
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new CliError(`cannot read the event store (${where}): ${(err as Error).message}`);
  }
  const store = new PostgresEventStore(pool, selection.url, { schema: selection.schema, logger });
  return {
    selection,
    description: where,
    store,
    head: async () => {
      const { rows } = await pool.query<{ head: string | null }>(
        `SELECT max(global_position)::text AS head FROM ${events}`,
      );
      const head = rows[0]?.head;
      return head === null || head === undefined ? START : padU64(BigInt(head));
    },
    progressOf: denseOrStart,
    parsePosition: parseDense,
    canReadEventById: true,
    close: () => store.close(),
  };
}

async function openEventStoreDb(selection: {
  kind: 'eventstoredb';
  url: string;
}): Promise<OpenedStore> {
  const { EventStoreDBClient, BACKWARDS, END } = await import('@eventstore/db-client');
  const { EventStoreDbEventStore } =
    await import('../../../../libs/event-store/src/eventstoredb/eventstoredb-event-store');
  const { decodePosition, encodePosition, isReportedPosition } =
    await import('../../../../libs/event-store/src/eventstoredb/esdb-position');
  const { redact } = await import('../../../../libs/event-store/src/postgres/connection');
  let client: InstanceType<typeof EventStoreDBClient>;
  try {
    client = EventStoreDBClient.connectionString(selection.url);
  } catch (err) {
    throw new UsageError(`--eventstore-url: ${(err as Error).message}`);
  }
  const store = new EventStoreDbEventStore(client, {
    logger: cliLogger(),
    disposeClientOnClose: true,
  });
  return {
    selection,
    description: `EventStoreDB at ${redact(selection.url)}`,
    store,
    head: async () => {
      for await (const resolved of client.readAll({
        direction: BACKWARDS,
        fromPosition: END,
        maxCount: 1,
      })) {
        const position = resolved.event?.position;
        if (isReportedPosition(position)) return encodePosition(position);
      }
      return START;
    },
    progressOf: (position) => {
      if (position === START) return 0;
      const decoded = decodePosition(position);
      return typeof decoded === 'object' && 'commit' in decoded ? Number(decoded.commit) : 0;
    },
    parsePosition: (text) => {
      const match = /^(\d{1,20})\/(\d{1,20})$/.exec(text);
      if (!match)
        throw new UsageError(
          `${JSON.stringify(text)} is not an EventStoreDB position (commit/prepare)`,
        );
      return `${padU64(BigInt(match[1]))}/${padU64(BigInt(match[2]))}`;
    },
    canReadEventById: false,
    close: () => store.close(),
  };
}
