import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  jsonEvent,
  START as ESDB_START,
  type AppendResult as EsdbAppendResult,
  type JSONType,
  type ResolvedEvent,
} from '@eventstore/db-client';
import type { Logger } from 'pino';
import { createLogger } from '../../../platform/src/logger';
import { DuplicateEventIdError } from '../duplicate-event-id.error';
import {
  AppendResult,
  EventStore,
  ExpectedRevision,
  NewEvent,
  Position,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  START,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';
import {
  isDeliverable,
  isStreamNotFound,
  isWrongExpectedVersion,
  SNAPSHOT_STREAM_PREFIX,
  toActualRevision,
  toEsdbExpectedRevision,
  toRecordedEvent,
  toRevision,
} from './esdb-mapping';
import { decodePosition, encodePosition, isReportedPosition } from './esdb-position';
import { EsdbCatchUpSubscription } from './esdb-subscription';

/** The part of the client the adapters use (a fake of it is enough for unit tests). */
export type EsdbClient = Pick<
  EventStoreDBClient,
  'appendToStream' | 'readStream' | 'readAll' | 'subscribeToAll' | 'setStreamMetadata' | 'dispose'
>;

export interface EventStoreDbEventStoreOptions {
  logger?: Logger;
  /** Streams with this prefix hold snapshots and are left out of readAll/subscribeToAll. */
  snapshotStreamPrefix?: string;
  /** Events read from `$all` per request while filtering on this side (readAll). Default 512. */
  allPageSize?: number;
  /** Dispose of the client on close() (set by `connect`, which creates it). */
  disposeClientOnClose?: boolean;
}

/**
 * The EventStore port on EventStoreDB / KurrentDB through `@eventstore/db-client` (v6): a thin
 * mapping, with the server as the authority for revisions, positions and durability.
 *
 * - append → `appendToStream(stream, jsonEvent({ id: metadata.eventId, ... }), { expectedRevision })`;
 *   the events arrive sealed and are stored as given. WrongExpectedVersionError →
 *   WrongExpectedRevisionError (with the actual revision the server reports).
 * - readStream → `readStream(stream, { direction, fromRevision, maxCount })`; no stream → [].
 * - readAll → `readAll({ fromPosition, maxCount })`, filtered here (v6 has no filter on reads).
 * - subscribeToAll → `subscribeToAll({ fromPosition, filter })` (EsdbCatchUpSubscription).
 * - readEvent: EventStoreDB has no lookup by event id; always undefined (see the ADR,
 *   docs/adr-eventstoredb-adapter.md, for what this means for idempotency).
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly logger: Logger;
  private readonly snapshotPrefix: string;
  private readonly allPageSize: number;
  private readonly subscriptions = new Set<Subscription>();
  private closed = false;

  constructor(
    private readonly client: EsdbClient,
    private readonly options: EventStoreDbEventStoreOptions = {},
  ) {
    this.logger = options.logger ?? createLogger(undefined, 'event-store');
    this.snapshotPrefix = options.snapshotStreamPrefix ?? SNAPSHOT_STREAM_PREFIX;
    this.allPageSize = options.allPageSize ?? 512;
  }

  /** A store on its own client, e.g. `esdb://localhost:2113?tls=false`. */
  static connect(
    connectionString: string,
    options: Omit<EventStoreDbEventStoreOptions, 'disposeClientOnClose'> = {},
  ): EventStoreDbEventStore {
    const client = EventStoreDBClient.connectionString(connectionString);
    return new EventStoreDbEventStore(client, { ...options, disposeClientOnClose: true });
  }

  async append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    this.assertOpen();
    if (events.length === 0) throw new TypeError('append needs at least one event');
    const proposed = events.map(({ type, data, metadata }) =>
      jsonEvent({ id: metadata.eventId, type, data: data as JSONType, metadata }),
    );
    let result: EsdbAppendResult;
    try {
      result = await this.client.appendToStream(streamId, proposed, {
        expectedRevision: toEsdbExpectedRevision(expectedRevision),
      });
    } catch (err) {
      if (!isWrongExpectedVersion(err)) throw err;
      throw await this.conflict(
        streamId,
        events,
        expectedRevision,
        toActualRevision(err.actualVersion),
      );
    }
    if (!result.success) {
      // Only with `throwOnAppendFailure=false` in the connection string: the same conflict.
      const actual = toActualRevision(result.nextExpectedRevision);
      throw await this.conflict(streamId, events, expectedRevision, actual);
    }
    const nextExpectedRevision = toRevision(result.nextExpectedRevision);
    // The server reports the last event's position, also for an idempotent retry (that of the
    // original). Should it not, the event itself is read back.
    const position = isReportedPosition(result.position)
      ? encodePosition(result.position)
      : await this.positionOf(streamId, nextExpectedRevision);
    return { nextExpectedRevision, position };
  }

  /**
   * A rejected append as the port's error. EventStoreDB answers "wrong expected version" also to
   * a retry whose first event is stored right after the expected revision but whose other events
   * differ (its "corrupted idempotency"); the port calls that reuse of stored ids a
   * DuplicateEventIdError, so the stored event at that place is checked.
   */
  private async conflict(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
    actual: number | 'no_stream' | 'unknown',
  ): Promise<Error> {
    const ids = new Set(events.map((e) => e.metadata.eventId));
    if (expected === 'any') {
      // 'any' is rejected only when part of the batch matches events already stored.
      return new DuplicateEventIdError(events[0].metadata.eventId, streamId);
    }
    const firstRevision = expected === 'no_stream' ? 0 : expected + 1;
    if (typeof actual === 'number' && actual >= firstRevision) {
      const [stored] = await this.readStream(streamId, {
        fromRevision: firstRevision,
        maxCount: 1,
      });
      if (stored && ids.has(stored.metadata.eventId)) {
        return new DuplicateEventIdError(stored.metadata.eventId, streamId);
      }
    }
    return new WrongExpectedRevisionError(streamId, expected, actual);
  }

  private async positionOf(streamId: string, revision: number): Promise<Position> {
    const [event] = await this.readStream(streamId, { fromRevision: revision, maxCount: 1 });
    if (!event) throw new Error(`appended event ${streamId}@${revision} cannot be read back`);
    return event.position;
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { direction = 'forwards', fromRevision, maxCount } = options;
    assertCount(maxCount);
    if (maxCount === 0) return [];
    const backwards = direction === 'backwards';
    const events: RecordedEvent[] = [];
    try {
      for await (const resolved of this.client.readStream(streamId, {
        direction: backwards ? BACKWARDS : FORWARDS,
        fromRevision:
          fromRevision === undefined
            ? backwards
              ? END
              : ESDB_START
            : BigInt(toNonNegative(fromRevision, 'fromRevision')),
        maxCount,
      })) {
        events.push(toRecordedEvent(recordOf(resolved, streamId)));
      }
    } catch (err) {
      if (isStreamNotFound(err)) return [];
      throw err;
    }
    return events;
  }

  /** EventStoreDB has no global index of event ids: not supported, always undefined. */
  async readEvent(_eventId: string): Promise<RecordedEvent | undefined> {
    this.assertOpen();
    return undefined;
  }

  /**
   * A page of `$all` after `after`, skipping system events, snapshots and what the filter
   * excludes. The v6 client reads `$all` without a server-side filter, so pages of
   * `allPageSize` events are read and filtered here until `maxCount` events are found or the
   * end of the log is reached.
   */
  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    this.assertOpen();
    const { after = START, maxCount, filter } = options;
    assertCount(maxCount);
    const found: RecordedEvent[] = [];
    let cursor = after;
    while (found.length < maxCount) {
      // The read starts at the cursor's own event (inclusive), which is skipped below.
      const pageSize = Math.max(this.allPageSize, maxCount - found.length + 1);
      let read = 0;
      for await (const resolved of this.client.readAll({
        direction: FORWARDS,
        fromPosition: decodePosition(cursor),
        maxCount: pageSize,
      })) {
        read++;
        const { event } = resolved;
        if (!event || !isReportedPosition(event.position)) continue;
        const position = encodePosition(event.position);
        if (position <= cursor) continue;
        cursor = position;
        if (found.length < maxCount && isDeliverable(event, filter, this.snapshotPrefix)) {
          found.push(toRecordedEvent(event));
        }
      }
      if (read < pageSize) break; // the end of the log
    }
    return found;
  }

  subscribeToAll(
    options: SubscribeOptions,
    handler: (event: RecordedEvent) => Promise<void> | void,
  ): Subscription {
    this.assertOpen();
    const subscription = new EsdbCatchUpSubscription(
      this.client,
      {
        after: options.after ?? START,
        filter: options.filter,
        snapshotPrefix: this.snapshotPrefix,
        logger: this.logger,
        onClosed: () => this.subscriptions.delete(subscription),
      },
      handler,
    );
    this.subscriptions.add(subscription);
    return subscription;
  }

  /** Closes the subscriptions (and the client, when this store created it). */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.subscriptions].map((s) => s.close()));
    if (this.options.disposeClientOnClose) await this.client.dispose();
  }

  private assertOpen(): void {
    if (this.closed) throw new Error('event store is closed');
  }
}

function recordOf(resolved: ResolvedEvent, streamId: string) {
  if (!resolved.event) throw new Error(`stream ${streamId} returned an unresolved link`);
  return resolved.event;
}

function toNonNegative(value: number, name: string): number {
  if (!Number.isSafeInteger(value) || value < 0) {
    throw new RangeError(`${name} must be a non-negative integer: ${value}`);
  }
  return value;
}

function assertCount(maxCount: number): void {
  toNonNegative(maxCount, 'maxCount');
}
