import type { Logger } from 'pino';
import { createLogger } from '../../../platform/src/logger';
import { LiveSubscriptions } from '../live-subscriptions';
import {
  AppendResult,
  EventStore,
  EventFilter,
  ExpectedRevision,
  NewEvent,
  ReadAllOptions,
  ReadStreamOptions,
  RecordedEvent,
  SubscribeOptions,
  Subscription,
  WrongExpectedRevisionError,
} from '../event-store.port';
import { ChainLink, sealedCanonicalForm } from '../hash-chain';
import { assertIdsUnused, Locate, matchRetry } from './idempotency';
import { assertKeySizes, EventLocation, LmdbLayout, StreamHead } from './lmdb-layout';
import { encodeLmdbPosition, encodeStoredEvent } from './stored-event';
import { IndexEntry } from './event-index';
import { StreamHeads } from './stream-heads';
import { LmdbSnapshotStore } from './lmdb-snapshot-store';
import { SnapshotStore } from '../snapshot-store.port';

interface Reservation {
  streamId: string;
  firstRevision: number;
  firstPosition: number;
  events: NewEvent[];
  /** Per event, its hash (sealed by the writer) and canonical form. */
  links: ChainLink[];
  result: AppendResult;
}

export interface LmdbEventStoreOptions {
  /** How often subscriptions look for events written by another process. Default 250 ms. */
  pollIntervalMs?: number;
  /** Open an existing store for reading and subscribing only (e.g. next to a writer process). */
  readOnly?: boolean;
  logger?: Logger;
}

/**
 * Embedded EventStore on LMDB. One writer process per data dir (its in-memory stream heads and
 * position counter are the concurrency authority); any number of read-only processes.
 *
 * append() decides everything synchronously at call time (idempotent retry, expected revision,
 * hash chain, global positions) against the in-memory heads, reserves the result, and queues the
 * writes; it resolves once lmdb-js has committed and fsynced the log transaction holding them and
 * they are in the (unsynced) index (event-index.ts).
 * Concurrent appends share transactions (group commit), and because the reservation happens
 * before any await, a caller may pipeline B on A's nextExpectedRevision before A is durable.
 */
export class LmdbEventStore implements EventStore {
  /** Reservations are synchronous, and a failed commit fails every later append (`failed`). */
  readonly pipelinesAppends = true;
  private readonly heads: StreamHeads;
  private readonly pendingIds = new Map<string, EventLocation & { durable: Promise<unknown> }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly subscriptions: LiveSubscriptions;
  private readonly durableListeners = new Set<() => void>();
  private indexQueue: IndexEntry[] = [];
  private indexFlush?: Promise<void>;
  private nextPosition: number;
  private failure?: unknown;
  private closed = false;
  private announcing = false;
  /** Snapshots of this store's streams (kept beside its index). */
  readonly snapshots: SnapshotStore;

  private constructor(
    private readonly layout: LmdbLayout,
    private readonly options: Required<Omit<LmdbEventStoreOptions, 'logger'>> & { logger: Logger },
  ) {
    this.heads = new StreamHeads((streamId) => layout.readHead(streamId));
    this.nextPosition = layout.lastPosition() + 1;
    const readPage = async (after: string, maxCount: number, filter?: EventFilter) =>
      layout.scan(after, maxCount, { filter });
    this.subscriptions = new LiveSubscriptions(readPage, options.pollIntervalMs, options.logger);
    this.snapshots = new LmdbSnapshotStore(() => layout.index);
  }

  static open(dir: string, options: LmdbEventStoreOptions = {}): LmdbEventStore {
    const readOnly = options.readOnly ?? false;
    const logger = options.logger ?? createLogger(undefined, 'event-store');
    const { layout, reindexed } = LmdbLayout.open(dir, readOnly);
    if (reindexed > 0) logger.info({ reindexed }, 'event index caught up with the log');
    return new LmdbEventStore(layout, {
      pollIntervalMs: options.pollIntervalMs ?? 250,
      readOnly,
      logger,
    });
  }

  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult> {
    try {
      return this.reserveAndWrite(streamId, events, expectedRevision);
    } catch (err) {
      return Promise.reject(err);
    }
  }

  private reserveAndWrite(
    streamId: string,
    events: NewEvent[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    this.assertWritable();
    if (events.length === 0) throw new TypeError('append needs at least one event');
    assertKeySizes(streamId, events);
    // One lookup of the first id serves both the retry match and the duplicate check.
    const first = this.locate(events[0].metadata.eventId);
    const retry = first && matchRetry(this.locate, streamId, events, expected, first);
    if (retry) {
      const { nextExpectedRevision } = retry;
      const position = encodeLmdbPosition(retry.position);
      return retry.durable.then(() => ({ nextExpectedRevision, position }));
    }
    const head = this.heads.get(streamId);
    checkExpected(streamId, expected, head);
    assertIdsUnused(this.locate, events, first);

    const reservation = this.reserve(streamId, head, events);
    const durable = this.write(reservation)
      .then(() => this.indexDurable(reservation))
      .then(
        () => this.settled(streamId, events),
        (err) => this.failed(err),
      );
    for (let i = 0; i < events.length; i++) {
      const revision = reservation.firstRevision + i;
      const position = reservation.firstPosition + i;
      const { eventId, hash } = events[i].metadata;
      this.pendingIds.set(eventId, { streamId, revision, position, hash, durable });
    }
    this.track(durable);
    return durable.then(() => reservation.result);
  }

  /**
   * Takes the events' revisions and positions (synchronously) and renders the canonical form
   * their writer sealed them in (the hash is the writer's: see NewEvent).
   */
  private reserve(streamId: string, head: StreamHead, events: NewEvent[]): Reservation {
    const firstRevision = head.revision + 1;
    const firstPosition = this.nextPosition;
    const links = events.map((event, i) => ({
      hash: event.metadata.hash,
      canonical: sealedCanonicalForm(streamId, firstRevision + i, event),
    }));
    const lastRevision = firstRevision + events.length - 1;
    this.nextPosition += events.length;
    this.heads.advance(streamId, {
      revision: lastRevision,
      hash: links[links.length - 1].hash,
    });
    const result = {
      nextExpectedRevision: lastRevision,
      position: encodeLmdbPosition(firstPosition + events.length - 1),
    };
    return { streamId, firstRevision, firstPosition, events, links, result };
  }

  /**
   * All puts are issued in this one event turn, so lmdb-js commits them in one transaction
   * (atomic append), and every unconditional put of that batch returns the same promise: the
   * last one stands for all. It resolves after the transaction is committed and fsynced.
   */
  private write(reservation: Reservation): Promise<unknown> {
    const { firstPosition, links } = reservation;
    const { events } = this.layout;
    let committed: Promise<unknown> = Promise.resolve();
    try {
      for (let i = 0; i < links.length; i++) {
        const stored = encodeStoredEvent(links[i].hash, links[i].canonical);
        committed = events.put(firstPosition + i, stored);
      }
      return committed;
    } catch (err) {
      // Cannot happen for well-formed ids (checked up front), but earlier puts of this append
      // may already be queued, so it is handled like a failed commit.
      return Promise.reject(err);
    }
  }

  /**
   * Queues the reservation's index entries; resolves once they are indexed. The appends of one
   * log commit settle in one microtask run and this flush is queued behind them, so the whole
   * commit goes into one index transaction, and `indexedUpTo` only ever covers durable events.
   */
  private indexDurable(reservation: Reservation): Promise<void> {
    const { streamId, firstRevision, firstPosition, events } = reservation;
    for (let i = 0; i < events.length; i++) {
      const { eventId } = events[i].metadata;
      this.indexQueue.push({
        streamId,
        revision: firstRevision + i,
        eventId,
        position: firstPosition + i,
      });
    }
    this.indexFlush ??= new Promise<void>((resolve, reject) =>
      queueMicrotask(() => {
        const entries = this.indexQueue;
        this.indexQueue = [];
        this.indexFlush = undefined;
        try {
          this.layout.index.write(entries, entries[entries.length - 1].position);
          resolve();
        } catch (err) {
          reject(err);
        }
      }),
    );
    return this.indexFlush;
  }

  private readonly locate: Locate = (eventId) =>
    this.pendingIds.get(eventId) ?? this.layout.locate(eventId);

  private settled(streamId: string, events: NewEvent[]): void {
    this.heads.settle(streamId);
    for (const { metadata } of events) this.pendingIds.delete(metadata.eventId);
    this.announceDurable();
  }

  /**
   * Wakes subscriptions and durability listeners once per commit rather than once per append:
   * the appends of one transaction settle in one microtask run, and this microtask is queued
   * behind them (after they are all durable, before any I/O).
   */
  private announceDurable(): void {
    if (this.announcing) return;
    this.announcing = true;
    queueMicrotask(() => {
      this.announcing = false;
      this.subscriptions.notifyAll();
      for (const listener of this.durableListeners) listener();
    });
  }

  /**
   * Called whenever appends became durable: lets another thread's or process's read-only
   * instance of this store (e.g. a projector on a worker thread) be woken at once via `wake()`
   * instead of waiting for its poll.
   */
  onDurable(listener: () => void): () => void {
    this.durableListeners.add(listener);
    return () => this.durableListeners.delete(listener);
  }

  /**
   * New events may be on disk (written by another instance): subscriptions read now. The read
   * snapshot is renewed first: lmdb-js keeps a thread's read transaction until its next timer
   * tick, so a read right after a wake could otherwise miss the very commit it announces.
   */
  wake(): void {
    this.layout.renewReadSnapshot();
    this.subscriptions.notifyAll();
  }

  /**
   * A failed commit leaves the in-memory heads and position counter ahead of the disk, and later
   * reservations were built on top of the lost events. Nothing can be trusted any more: refuse
   * every further append and surface the error, so the process fails fast and restarts (the
   * heads are rebuilt from disk on open).
   */
  private failed(err: unknown): never {
    this.failure ??= err;
    this.options.logger.fatal({ err }, 'event store commit failed; refusing further appends');
    throw err;
  }

  private track(write: Promise<unknown>): void {
    const forget = (): void => void this.inFlight.delete(settledWrite);
    const settledWrite: Promise<void> = write.then(forget, forget);
    this.inFlight.add(settledWrite);
  }

  private assertWritable(): void {
    if (this.closed) throw new Error('event store is closed');
    if (this.options.readOnly) throw new Error('event store is open read-only');
    if (this.failure) throw this.failure;
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.layout.readStream(streamId, options);
  }

  async readEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const pending = this.pendingIds.get(eventId);
    if (pending) await pending.durable; // not readable (nor final) before it is durable
    return this.layout.readEvent(eventId);
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return this.layout.readAll(options);
  }

  subscribeToAll(
    options: SubscribeOptions,
    handler: (event: RecordedEvent) => Promise<void> | void,
  ): Subscription {
    return this.subscriptions.subscribe(options.after ?? '', options.filter, handler);
  }

  /** Stops subscriptions, waits for every queued append to be durable (or fail), closes the env. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.subscriptions.stopAll();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    await this.layout.close();
  }
}

function checkExpected(streamId: string, expected: ExpectedRevision, head: StreamHead): void {
  const actual = head.revision < 0 ? 'no_stream' : head.revision;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' ? head.revision < 0 : expected === head.revision);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);
}
