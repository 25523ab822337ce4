import { ChainedMetadata } from '../../domain/src';
import { Position } from './position';

export { Position, START, isAfter, maxPosition } from './position';

/**
 * Expected state of a stream for optimistic concurrency, as in EventStoreDB:
 * a revision number (0-based index of the stream's last event), 'no_stream', or 'any'.
 */
export type ExpectedRevision = number | 'no_stream' | 'any';

/**
 * An event ready to append: already sealed into its stream's hash chain by the writer
 * (metadata.prevHash = hash of the stream's event at the expected revision, metadata.hash
 * its own; see hash-chain.ts `sealEvents`). Stores keep the chain intact by enforcing the
 * expected revision; they never compute it.
 */
export interface NewEvent {
  type: string;
  data: object;
  metadata: ChainedMetadata;
}

export interface RecordedEvent {
  streamId: string;
  /** 0-based index within its stream. */
  revision: number;
  /** Position in the global log (opaque, see position.ts). */
  position: Position;
  type: string;
  data: object;
  metadata: ChainedMetadata;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (pass it as the next expected revision). */
  nextExpectedRevision: number;
  /** Global position of the last event written (or of the original one, on an idempotent retry). */
  position: Position;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream' | 'unknown',
  ) {
    super(`stream ${streamId}: expected revision ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards default 0; backwards default: the last event. */
  fromRevision?: number;
  /** Page size: a read never returns more (whole streams are read page by page). */
  maxCount: number;
}

export interface EventFilter {
  /** Only events whose stream id starts with one of these. */
  streamPrefixes?: string[];
  /** Only events of these types. */
  eventTypes?: string[];
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. Default START (from the beginning). */
  after?: Position;
  maxCount: number;
  filter?: EventFilter;
}

export interface SubscribeOptions {
  /** Exclusive checkpoint to resume after. Default START. */
  after?: Position;
  filter?: EventFilter;
}

/**
 * One shape for every ordered feed a consumer follows (the event store's global log here; the
 * update bus in production is a Kafka consumer group of the same shape):
 * - `ready` resolves once the subscription is established (connected, listening, positioned)
 *   and rejects if it cannot be;
 * - the handler is awaited before the next item (back-pressure), and a failing handler is
 *   retried on the same item, never skipped;
 * - `commit(p)` acknowledges that everything up to and including p is processed. Feeds with
 *   server-kept offsets (Kafka) store it; the event store's subscriptions only note it, since
 *   the projector keeps its checkpoint with its read-model writes and resumes with `after`;
 * - `close()` resolves once the handler is no longer running.
 */
export interface Subscription {
  readonly ready: Promise<void>;
  /** Resolves the first time the subscription has delivered everything stored at `ready`. */
  readonly caughtUp: Promise<void>;
  /** The last committed position (the start position until the first commit). */
  readonly committed: Position;
  commit(position: Position): Promise<void>;
  close(): Promise<void>;
}

/**
 * The source of truth. Guarantees every adapter must keep (checked by the contract suite):
 * - append is atomic per call and durable when its promise resolves (survives kill -9);
 * - optimistic concurrency: a mismatch rejects with WrongExpectedRevisionError and writes
 *   nothing, also when the writers are separate processes;
 * - an event id is stored at most once, forever: appending the very same events (same ids and
 *   hashes) again right after the same expected revision is a no-op resolving with the original
 *   result (a retry); any other reuse of a stored id, including another event under it at the
 *   same place, rejects with DuplicateEventIdError (naming where it is stored) and writes
 *   nothing. Writers derive ids from idempotency keys to get lasting idempotency
 *   without holding keys in memory;
 * - readAll and subscribeToAll deliver events in global position order, and a reader never
 *   passes a position before every event below it is visible (no gap under concurrent
 *   writers);
 * - subscribeToAll catches up from `after`, then follows live appends without gap or
 *   duplicate.
 */
export interface EventStore {
  /**
   * True when a caller may append on a revision that its own still-pending append will create
   * (pipelining): the store reserves appends synchronously in call order and fails every later
   * append once one fails (LMDB, one writer process). Otherwise a writer awaits its pending
   * append on a stream before the next: another process's append could take the revision the
   * pending one failed to get, and the next append would then chain onto an event it never saw.
   */
  readonly pipelinesAppends?: boolean;
  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /** A page of one stream's events; empty when the stream does not exist. */
  readStream(streamId: string, options: ReadStreamOptions): Promise<RecordedEvent[]>;
  /** The event with this id, wherever it is stored. */
  readEvent(eventId: string): Promise<RecordedEvent | undefined>;
  /** A page of the global log. */
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(
    options: SubscribeOptions,
    handler: (event: RecordedEvent) => Promise<void> | void,
  ): Subscription;
  close(): Promise<void>;
}
