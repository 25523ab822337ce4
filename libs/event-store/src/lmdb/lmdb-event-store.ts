import { IF_EXISTS } from 'lmdb';
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
import { StoreUnavailableError } from '../store-unavailable.error';
import { commitCause, ignoreOrphanCommitRejections } from './commit-failures';
import { freeBytes, freeBytesSync, probeWrite } from './storage-probe';

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
  /**
   * Appends are refused (insufficient_storage) while the file system holding the store has less
   * free space than this, so that it never fills up: lmdb-js's memory-mapped writes (the index,
   * the read models) die of SIGBUS on a full disk. Default 64 MiB; 0 turns the guard off.
   */
  minFreeBytes?: number;
  /** How often free space is looked at: default 1 s, a tenth of it when within 4× the reserve. */
  spaceCheckIntervalMs?: number;
  /** After a failed commit, how often writability is probed before appends resume. Default 1 s. */
  probeIntervalMs?: number;
}

export const DEFAULT_MIN_FREE_BYTES = 64 * 1024 * 1024;

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
 *
 * When appends are refused (StoreUnavailableError), nothing else stops: reads, subscriptions
 * and idempotent retries of stored appends keep working.
 * - Free space: below `minFreeBytes` appends are refused (insufficient_storage) until space
 *   returns, so the disk never fills up (see the option).
 * - A failed commit (any cause: ENOSPC that got past the guard, EIO, a file-size limit…):
 *   appends are written on condition that the position before them is stored (`flushWrites`),
 *   so no append reserved after a failed one can land (no gap, no broken chain); they all fail
 *   with it. Appends are
 *   refused at once; once every append in flight has settled, the in-memory heads, pending ids
 *   and position counter are rebuilt from the disk and the index caught up with the log; then
 *   writability is probed (`probeIntervalMs`, backing off while commits keep failing) and
 *   appends resume by themselves. See docs/architecture.md (ADR-21).
 */
export class LmdbEventStore implements EventStore {
  /** Reservations are synchronous, and a failed commit fails every later append (`failed`). */
  readonly pipelinesAppends = true;
  private heads: StreamHeads;
  private readonly pendingIds = new Map<string, EventLocation & { durable: Promise<unknown> }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly subscriptions: LiveSubscriptions;
  private readonly durableListeners = new Set<() => void>();
  private indexQueue: IndexEntry[] = [];
  private indexFlush?: Promise<void>;
  private nextPosition: number;
  /** Set by a failed commit until the store has recovered; appends are refused meanwhile. */
  private failure?: StoreUnavailableError;
  /** The current failure's classified error (known a little after `failure` is set). */
  private classified?: Promise<StoreUnavailableError>;
  /** Set when an index write failed: the index lacks durable events until the recovery. */
  private indexBehind?: StoreUnavailableError;
  /** Failed commits since the last append that succeeded (backs the probing off). */
  private failuresInARow = 0;
  /** Set while free space is below the reserve. */
  private lowSpace?: StoreUnavailableError;
  private spaceTimer?: NodeJS.Timeout;
  private closed = false;
  private announcing = false;
  private holdingBatchPromise = false;
  /** Appends reserved in this event turn whose puts are not issued yet (`flushWrites`). */
  private writeBatch?: {
    reservations: Reservation[];
    written: Promise<boolean>;
    settle(written: Promise<boolean>): void;
  };
  /** Snapshots of this store's streams (kept beside its index). */
  readonly snapshots: SnapshotStore;

  private constructor(
    private readonly layout: LmdbLayout,
    private readonly dir: string,
    private readonly options: Required<Omit<LmdbEventStoreOptions, 'logger'>> & { logger: Logger },
  ) {
    this.heads = this.freshHeads();
    this.nextPosition = layout.lastPosition() + 1;
    this.subscriptions = new LiveSubscriptions(
      (after, maxCount, filter) => this.readPage(after, maxCount, filter),
      options.pollIntervalMs,
      options.logger,
    );
    this.snapshots = new LmdbSnapshotStore(() => layout.index);
    if (!options.readOnly) {
      ignoreOrphanCommitRejections();
      this.watchFreeSpace();
    }
  }

  static open(dir: string, options: LmdbEventStoreOptions = {}): LmdbEventStore {
    const readOnly = options.readOnly ?? false;
    const logger = options.logger ?? createLogger(undefined, 'event-store');
    const { layout, reindexed } = LmdbLayout.open(dir, readOnly);
    if (reindexed > 0) logger.info({ reindexed }, 'event index caught up with the log');
    return new LmdbEventStore(layout, dir, {
      pollIntervalMs: options.pollIntervalMs ?? 250,
      readOnly,
      logger,
      minFreeBytes: options.minFreeBytes ?? DEFAULT_MIN_FREE_BYTES,
      spaceCheckIntervalMs: options.spaceCheckIntervalMs ?? 1_000,
      probeIntervalMs: options.probeIntervalMs ?? 1_000,
    });
  }

  /**
   * Why appends are refused right now (closed, after a failed commit, short of space), or
   * undefined when they are accepted: the `event-store` readiness check.
   */
  availability(): StoreUnavailableError | undefined {
    if (this.closed)
      return new StoreUnavailableError('store_unavailable', 'the event store is closed');
    if (this.options.readOnly)
      return new StoreUnavailableError('store_unavailable', 'the event store is open read-only');
    return this.failure ?? this.lowSpace;
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
    this.assertOpenForWriting();
    if (events.length === 0) throw new TypeError('append needs at least one event');
    assertKeySizes(streamId, events);
    // One lookup of the first id serves both the retry match and the duplicate check.
    const first = this.locate(events[0].metadata.eventId);
    const retry = first && matchRetry(this.locate, streamId, events, expected, first);
    if (retry) {
      // Answered even while appends are refused: nothing new is written.
      const { nextExpectedRevision } = retry;
      const position = encodeLmdbPosition(retry.position);
      return retry.durable.then(() => ({ nextExpectedRevision, position }));
    }
    const refused = this.failure ?? this.lowSpace;
    if (refused) throw refused;
    const head = this.heads.get(streamId);
    checkExpected(streamId, expected, head);
    assertIdsUnused(this.locate, events, first);

    const reservation = this.reserve(streamId, head, events);
    const durable = this.write(reservation)
      .then((written) => {
        // Its condition failed: the append before it is not stored (its commit failed).
        if (!written) throw new PrecedingAppendNotStored();
        return this.indexDurable(reservation);
      })
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
   * Queues the reservation's puts for this event turn's conditional block (`flushWrites`) and
   * returns that block's promise: true once its transaction is committed and fsynced, false if
   * its condition failed.
   */
  private write(reservation: Reservation): Promise<boolean> {
    let batch = this.writeBatch;
    if (!batch) {
      const pending: Reservation[] = [];
      let settle!: (written: Promise<boolean>) => void;
      const written = new Promise<boolean>((resolve) => (settle = resolve));
      batch = this.writeBatch = { reservations: pending, written, settle };
      queueMicrotask(() => this.flushWrites());
    }
    batch.reservations.push(reservation);
    return batch.written;
  }

  /**
   * Issues the puts of every append reserved since the last flush (all in this event turn, so
   * lmdb-js commits them in one transaction: atomic appends, group commit) inside one
   * conditional block: they are written only if the position before the first one is stored.
   * Appends chain on their predecessors (positions and, per stream, hashes), so when a commit
   * fails, every append reserved after it is refused by the write thread itself, even one already
   * queued in a later transaction. One condition and one promise per flush, not per append.
   */
  private flushWrites(): void {
    const batch = this.writeBatch!;
    this.writeBatch = undefined;
    const { events } = this.layout;
    const first = batch.reservations[0].firstPosition;
    const puts = (): void => {
      for (const { firstPosition, links } of batch.reservations)
        for (let i = 0; i < links.length; i++) {
          const stored = encodeStoredEvent(links[i].hash, links[i].canonical);
          void events.put(firstPosition + i, stored);
        }
    };
    try {
      batch.settle(
        first === 1 ? events.ifNoExists(first, puts) : events.ifVersion(first - 1, IF_EXISTS, puts),
      );
      this.holdBatchPromise();
    } catch (err) {
      // Cannot happen for well-formed ids (checked up front), but earlier puts may already be
      // queued, so it is handled like a failed commit.
      batch.settle(Promise.reject(err));
    }
  }

  /**
   * lmdb-js ends each event turn's batch with an unconditional write instruction of its own,
   * whose commit promise nobody holds when the batch has only conditional writes (ours): if the
   * commit fails, that promise rejects unhandled (commit-failures.ts). lmdb-js queues that batch
   * end as an immediate when the turn's first write is issued, so an immediate queued after it
   * finds the promise as `committed` and holds it. Once per event turn.
   */
  private holdBatchPromise(): void {
    if (this.holdingBatchPromise) return;
    this.holdingBatchPromise = true;
    setImmediate(() => {
      this.holdingBatchPromise = false;
      this.layout.root.committed.then(
        () => undefined,
        () => undefined,
      );
    });
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
          // Once an index write failed, nothing more is indexed until the recovery catches the
          // index up from `indexedUpTo`: a later write would move it past the missing entries.
          if (this.indexBehind) throw this.indexBehind;
          this.layout.index.write(entries, entries[entries.length - 1].position);
          resolve();
        } catch (err) {
          this.indexBehind ??= StoreUnavailableError.fromWriteError(err, 'indexing failed');
          reject(this.indexBehind);
        }
      }),
    );
    return this.indexFlush;
  }

  private readonly locate: Locate = (eventId) =>
    this.pendingIds.get(eventId) ?? this.layout.locate(eventId);

  private settled(streamId: string, events: NewEvent[]): void {
    this.failuresInARow = 0;
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
   * A failed commit (or index write) leaves the in-memory heads, pending ids and position
   * counter ahead of the disk, and later reservations were built on the lost events (their
   * conditional writes fail too: see `write`). The first failure refuses every new append and
   * starts the recovery; each failed append rejects with the classified cause.
   */
  private async failed(err: unknown): Promise<never> {
    if (err instanceof PrecedingAppendNotStored) {
      // The failure it follows is noted in this same turn (its rejection settles with it).
      await new Promise((resolve) => setImmediate(resolve));
      throw await (this.classified ?? this.classify(err));
    }
    if (this.failure) throw await this.classify(err); // another append of the failed commit
    this.failuresInARow++;
    this.failure = new StoreUnavailableError('store_unavailable', 'a commit failed', err);
    void this.recover();
    const classified = this.classify(err);
    this.classified = classified;
    const error = await classified;
    this.failure = error;
    this.options.logger.error(
      { err: error.cause, code: error.code },
      'event store commit failed; refusing appends until it recovers',
    );
    throw error;
  }

  private async classify(err: unknown): Promise<StoreUnavailableError> {
    const cause = await commitCause(err);
    return cause instanceof StoreUnavailableError
      ? cause
      : StoreUnavailableError.fromWriteError(cause, 'a commit failed', this.outOfSpace());
  }

  /**
   * Waits for every append in flight to settle (they fail, or landed before the failure), then
   * rebuilds the in-memory state from what is on disk and probes until a durable write works
   * again; then appends are accepted again. The probe interval doubles (up to 30 s) while
   * commits keep failing right after recovering.
   */
  private async recover(): Promise<void> {
    const since = Date.now();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    const delay = Math.min(30_000, this.options.probeIntervalMs * 2 ** (this.failuresInARow - 1));
    for (let attempt = 1; !this.closed; attempt++) {
      await sleep(delay);
      if (this.closed) return;
      try {
        const reindexed = this.rebuildFromDisk();
        await this.probe();
        if (this.closed) return;
        this.failure = undefined;
        this.classified = undefined;
        this.options.logger.info(
          { reindexed, refusedForMs: Date.now() - since, nextPosition: this.nextPosition },
          'event store accepts appends again',
        );
        this.announceDurable(); // events stored but not indexed until now
        return;
      } catch (err) {
        if (attempt === 1 || attempt % 60 === 0)
          this.options.logger.warn({ err, attempt }, 'event store still cannot append');
      }
    }
  }

  /** The writer's view as if just opened: heads, pending ids, position counter, index. */
  private rebuildFromDisk(): number {
    this.layout.renewReadSnapshot();
    this.heads = this.freshHeads();
    this.pendingIds.clear();
    this.indexQueue = [];
    this.nextPosition = this.layout.lastPosition() + 1;
    this.indexBehind = undefined;
    return this.layout.catchUpIndex();
  }

  /**
   * Whether the store's file system is (about) full: classifies a failed commit whose cause
   * lmdb-js did not report.
   */
  private outOfSpace(): boolean {
    try {
      return freeBytesSync(this.dir) < Math.max(this.options.minFreeBytes, 1024 * 1024);
    } catch {
      return false;
    }
  }

  /** Free space above the reserve, and a small durable write on the same file system. */
  private async probe(): Promise<void> {
    await this.checkFreeSpace();
    if (this.lowSpace) throw this.lowSpace;
    await probeWrite(this.dir);
  }

  private freshHeads(): StreamHeads {
    return new StreamHeads((streamId) => this.layout.readHead(streamId));
  }

  /**
   * Looks at free space every `spaceCheckIntervalMs`, ten times as often when within 4× the
   * reserve (a statfs call: microseconds), and refuses appends while it is below the reserve.
   */
  private watchFreeSpace(): void {
    const { minFreeBytes, spaceCheckIntervalMs } = this.options;
    if (minFreeBytes <= 0) return;
    this.noteFreeSpace(freeBytesSync(this.dir));
    const next = (): void => {
      if (this.closed) return;
      const near = !!this.lowSpace || this.lastFree < minFreeBytes * 4;
      const interval = near ? Math.max(10, spaceCheckIntervalMs / 10) : spaceCheckIntervalMs;
      this.spaceTimer = setTimeout(() => void this.checkFreeSpace().finally(next), interval);
      this.spaceTimer.unref();
    };
    next();
  }

  private lastFree = Infinity;

  private async checkFreeSpace(): Promise<void> {
    if (this.options.minFreeBytes <= 0) return;
    try {
      this.noteFreeSpace(await freeBytes(this.dir));
    } catch (err) {
      this.options.logger.warn({ err }, 'free space of the event store unknown');
    }
  }

  private noteFreeSpace(free: number): void {
    const { minFreeBytes, logger } = this.options;
    this.lastFree = free;
    if (free < minFreeBytes) {
      if (!this.lowSpace)
        logger.warn(
          { free, minFreeBytes },
          'disk nearly full: refusing appends until space returns',
        );
      const mb = (n: number) => `${(n / 2 ** 20).toFixed(1)} MiB`;
      this.lowSpace = new StoreUnavailableError(
        'insufficient_storage',
        `free space ${mb(free)} is below the reserve of ${mb(minFreeBytes)}`,
      );
    } else if (this.lowSpace) {
      this.lowSpace = undefined;
      logger.info({ free, minFreeBytes }, 'free space back above the reserve: accepting appends');
    }
  }

  private track(write: Promise<unknown>): void {
    const forget = (): void => void this.inFlight.delete(settledWrite);
    const settledWrite: Promise<void> = write.then(forget, forget);
    this.inFlight.add(settledWrite);
  }

  private assertOpenForWriting(): void {
    if (this.closed) throw this.availability();
    if (this.options.readOnly) throw new Error('event store is open read-only');
  }

  /**
   * A subscription's page read. A read error does not end the subscription (it would stop
   * silently, and the projector with it): it is logged and retried, backing off up to 2 s.
   */
  private async readPage(after: string, maxCount: number, filter?: EventFilter) {
    for (let attempt = 0; ; attempt++) {
      try {
        return this.layout.scan(after, maxCount, { filter });
      } catch (err) {
        if (this.closed) throw err;
        this.options.logger.error({ err, after, attempt }, 'reading the log failed; retrying');
        await sleep(Math.min(2_000, 50 * 2 ** attempt));
      }
    }
  }

  async readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]> {
    return this.layout.readStream(streamId, options);
  }

  async readEvent(eventId: string): Promise<RecordedEvent | undefined> {
    const pending = this.pendingIds.get(eventId);
    // Not readable (nor final) before it is durable; if its append failed, the disk says.
    if (pending) await pending.durable.catch(() => undefined);
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
    clearTimeout(this.spaceTimer);
    await this.subscriptions.stopAll();
    while (this.inFlight.size > 0) await Promise.all([...this.inFlight]);
    await this.layout.close();
  }
}

/** An append whose condition failed: the append before it was not stored (its commit failed). */
class PrecedingAppendNotStored extends Error {
  constructor() {
    super('the preceding append was not stored');
  }
}

const sleep = (ms: number): Promise<void> =>
  new Promise((resolve) => setTimeout(resolve, ms).unref());

function checkExpected(streamId: string, expected: ExpectedRevision, head: StreamHead): void {
  const actual = head.revision < 0 ? 'no_stream' : head.revision;
  const ok =
    expected === 'any' ||
    (expected === 'no_stream' ? head.revision < 0 : expected === head.revision);
  if (!ok) throw new WrongExpectedRevisionError(streamId, expected, actual);
}
