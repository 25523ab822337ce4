import type { Pool } from 'pg';
import type { Logger } from 'pino';
import { createLogger } from '../../../platform/src/logger';
import { WakeUp } from '../catch-up-subscription';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
} from '../event-store.port';
import { START } from '../position';
import { batchExecutor, encodeExpected, PendingAppend } from './append-batch';
import { connectionConfig, createPool, verifyConnection } from './connection';
import { EventQueries } from './event-queries';
import { encodeEvents, fromPosition } from './event-rows';
import { GroupCommit, GroupCommitStats } from './group-commit';
import { migrate } from './migrations';
import { NotificationListener } from './notification-listener';
import { startLogSubscription } from './log-subscription';
import { PostgresSnapshotStore } from './postgres-snapshot-store';
import { SchemaNames, schemaNames } from './schema-names';

export interface PostgresEventStoreOptions {
  /** Schema holding the store's tables (created if missing). Default 'event_store'. */
  schema?: string;
  /** Pooled connections. Default 10. */
  poolSize?: number;
  /** Most appends group-committed in one transaction. Default 500. */
  maxBatchAppends?: number;
  /** Most events in one transaction (a larger single append goes alone). Default 2,000. */
  maxBatchEvents?: number;
  /**
   * Append transactions in flight at once. They commit one at a time anyway (global order): a
   * second one would only wait at the server's lock, and split the batch. Measured the same
   * throughput with 1 and 2 (docs/adr-postgres-event-store.md); 1 makes the fewest, largest
   * transactions. Default 1.
   */
  maxBatchesInFlight?: number;
  /** Subscriptions read at least this often even without a notification. Default 5,000 ms. */
  safetyPollMs?: number;
  /** Events per subscription read. Default 500. */
  subscriptionPageSize?: number;
  /** statement_timeout for every statement. Default 30,000 ms. */
  statementTimeoutMs?: number;
  /** Longest wait for a new connection. Default 5,000 ms. */
  connectTimeoutMs?: number;
  /** application_name of the sessions. Default 'eventchat-event-store'. */
  applicationName?: string;
  logger?: Logger;
}

type Settings = Required<Omit<PostgresEventStoreOptions, 'logger' | 'schema'>>;

const DEFAULTS: Settings = {
  poolSize: 10,
  maxBatchAppends: 500,
  maxBatchEvents: 2_000,
  maxBatchesInFlight: 1,
  safetyPollMs: 5_000,
  subscriptionPageSize: 500,
  statementTimeoutMs: 30_000,
  connectTimeoutMs: 5_000,
  applicationName: 'eventchat-event-store',
};

/**
 * EventStore on PostgreSQL (15+), for several processes sharing one database.
 *
 * - Appends are group-committed: the appends made while a transaction is in flight travel
 *   together as one `append_batch` call (one round trip, one transaction, one WAL flush with
 *   synchronous_commit on), each with its own expected-revision and idempotency checks, so one
 *   conflict fails only its own append.
 * - Global order: append transactions hold one advisory lock until their commit is visible, so
 *   positions are dense and committed in order; a reader that sees position p sees every event
 *   below p (docs/adr-postgres-event-store.md has the measured alternatives).
 * - Subscriptions are woken by NOTIFY (sent inside each append transaction, delivered at
 *   commit) on one dedicated LISTEN connection per store, with a slow safety poll.
 *
 * Positions are the dense global position as a zero-padded 20-digit string (padU64).
 */
export class PostgresEventStore implements EventStore {
  private readonly names: SchemaNames;
  private readonly settings: Settings;
  private readonly logger: Logger;
  private readonly queries: EventQueries;
  private readonly groupCommit: GroupCommit<PendingAppend>;
  private readonly wakeSignals = new Set<WakeUp>();
  private readonly subscriptions = new Set<Subscription>();
  private listener?: NotificationListener;
  private closing?: Promise<void>;

  /**
   * On an already migrated schema (see connect()); the store owns the pool and ends it on
   * close(). `listenerUrl` is where the dedicated LISTEN connection goes.
   */
  constructor(
    readonly pool: Pool,
    private readonly listenerUrl: string,
    options: PostgresEventStoreOptions = {},
  ) {
    this.names = schemaNames(options.schema ?? 'event_store');
    const { logger, schema: _schema, ...rest } = options;
    this.settings = { ...DEFAULTS, ...definedOnly(rest) };
    this.logger = logger ?? createLogger(undefined, 'event-store');
    this.queries = new EventQueries(pool, this.names);
    this.groupCommit = new GroupCommit(
      batchExecutor(pool, this.names),
      (append) => append.events.length,
      {
        maxItems: this.settings.maxBatchAppends,
        maxWeight: this.settings.maxBatchEvents,
        maxInFlight: this.settings.maxBatchesInFlight,
      },
    );
  }

  /**
   * Connects (pool of `poolSize`), verifies the server answers, and migrates the schema (safe
   * when several processes start at once). Fails with an error naming DATABASE_URL when the
   * server cannot be reached.
   */
  static async connect(
    url: string | undefined,
    options: PostgresEventStoreOptions = {},
  ): Promise<PostgresEventStore> {
    if (!url) {
      throw new Error(
        'PostgreSQL event store: DATABASE_URL is not set (npm run infra:up starts a server)',
      );
    }
    const names = schemaNames(options.schema ?? 'event_store');
    const settings = { ...DEFAULTS, ...definedOnly(options) };
    const logger = options.logger ?? createLogger(undefined, 'event-store');
    const pool = createPool(connectionConfig(url, settings), settings, logger);
    try {
      await verifyConnection(pool, url);
      const { from, to } = await migrate(pool, names);
      if (from !== to)
        logger.info({ schema: names.schema, from, to }, 'event store schema migrated');
    } catch (err) {
      await pool.end().catch(() => undefined);
      throw err;
    }
    return new PostgresEventStore(pool, url, { ...options, logger });
  }

  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    if (this.closing) return Promise.reject(new Error('event store is closed'));
    try {
      encodeExpected(expectedRevision);
      const encoded = encodeEvents(streamId, events);
      return new Promise<AppendResult>((resolve, reject) =>
        this.groupCommit.submit({
          streamId,
          expected: expectedRevision,
          events: encoded,
          resolve,
          reject,
        }),
      );
    } catch (err) {
      return Promise.reject(err);
    }
  }

  readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.queries.readStream(streamId, options);
  }

  readEvent(eventId: string): Promise<RecordedEvent | undefined> {
    return this.queries.readEvent(eventId);
  }

  readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.queries.readAll(options);
  }

  subscribeToAll(
    options: SubscribeOptions,
    handler: (event: RecordedEvent) => Promise<void> | void,
  ): Subscription {
    if (this.closing) throw new Error('event store is closed');
    const after = options.after ?? START;
    fromPosition(after); // validates
    const { filter } = options;
    const signal = new WakeUp();
    this.wakeSignals.add(signal);
    const subscription = startLogSubscription(
      {
        after,
        readPage: (cursor, maxCount) => this.queries.readPage(cursor, maxCount, filter),
        listening: this.listening(),
        signal,
        safetyPollMs: this.settings.safetyPollMs,
        pageSize: this.settings.subscriptionPageSize,
        logger: this.logger,
        onClosed: () => {
          this.wakeSignals.delete(signal);
          this.subscriptions.delete(subscription);
        },
      },
      handler,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** A snapshot store on this store's schema and pool (closed with it). */
  snapshotStore(): PostgresSnapshotStore {
    return new PostgresSnapshotStore(this.pool, { schema: this.names.schema });
  }

  /** Batches executed so far and their sizes (group commit at work). */
  get appendStats(): GroupCommitStats {
    return this.groupCommit.stats;
  }

  /**
   * Refuses new appends and subscriptions, waits for the appends already made to settle,
   * closes the subscriptions and the listener, then ends the pool.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      await this.groupCommit.drain();
      await Promise.all([...this.subscriptions].map((s) => s.close()));
      await this.listener?.close();
      await this.pool.end();
    })();
    return this.closing;
  }

  /** The store's one LISTEN connection, started by the first subscription. */
  private listening(): Promise<void> {
    if (!this.listener) {
      const listener = new NotificationListener({
        connection: connectionConfig(this.listenerUrl, this.settings),
        channel: this.names.channel,
        onWake: () => this.wakeAll(),
        logger: this.logger,
      });
      this.listener = listener;
      // A first connection that fails is dropped, so the next subscription tries again.
      listener.ready.catch(() => {
        if (this.listener === listener) this.listener = undefined;
      });
    }
    return this.listener.ready;
  }

  private wakeAll(): void {
    for (const signal of this.wakeSignals) signal.notify();
  }
}

function definedOnly<T extends object>(options: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  ) as Partial<T>;
}
