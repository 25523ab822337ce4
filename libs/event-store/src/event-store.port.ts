import { ChainedMetadata, EventMetadata } from '../../domain/src';

/**
 * Expected state of a stream for optimistic concurrency, as in EventStoreDB:
 * a revision number (0-based index of the stream's last event), 'no_stream', or 'any'.
 */
export type ExpectedRevision = number | 'no_stream' | 'any';

export interface NewEvent {
  type: string;
  data: object;
  metadata: EventMetadata;
}

export interface RecordedEvent {
  streamId: string;
  /** 0-based index within its stream. */
  revision: number;
  /** Position in the global log: strictly increasing in append order (not necessarily dense). */
  position: number;
  type: string;
  data: object;
  metadata: ChainedMetadata;
}

export interface AppendResult {
  /** Revision of the stream's last event after the append (pass it as the next expected revision). */
  nextExpectedRevision: number;
  /** Global position of the last event written (or of the original one, on an idempotent retry). */
  position: number;
}

export class WrongExpectedRevisionError extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${expected}, actual ${actual}`);
    this.name = 'WrongExpectedRevisionError';
  }
}

export interface ReadStreamOptions {
  direction?: 'forwards' | 'backwards';
  /** Inclusive. Forwards default 0; backwards default: the last event. */
  fromRevision?: number;
  maxCount?: number;
}

export interface ReadAllOptions {
  /** Exclusive: events with position > after. Default: from the start (0). */
  after?: number;
  maxCount?: number;
}

export interface Subscription {
  /** Stops delivery; resolves once the handler is no longer running. */
  stop(): Promise<void>;
  /** Resolves the first time the subscription has delivered everything stored at that moment. */
  readonly caughtUp: Promise<void>;
}

/**
 * The source of truth. Guarantees every adapter must keep (checked by the contract suite):
 * - append is atomic per call and durable when its promise resolves (survives kill -9);
 * - optimistic concurrency: a mismatch rejects with WrongExpectedRevisionError, writes nothing;
 * - appending events whose eventIds are already stored (same stream, same order) is a no-op
 *   that resolves with the original result;
 * - every event gets metadata.prevHash/hash chaining it to its stream's previous event;
 * - readAll and subscribeToAll deliver events in global position order;
 * - subscribeToAll catches up from `after`, then follows live appends without gap or
 *   duplicate; the handler is awaited before the next event (back-pressure).
 */
export interface EventStore {
  append(
    streamId: string,
    events: NewEvent[],
    expectedRevision: ExpectedRevision,
  ): Promise<AppendResult>;
  /** Events of one stream; an empty array when the stream does not exist. */
  readStream(streamId: string, options?: ReadStreamOptions): Promise<RecordedEvent[]>;
  readAll(options?: ReadAllOptions): Promise<RecordedEvent[]>;
  subscribeToAll(
    options: { after?: number },
    handler: (event: RecordedEvent) => Promise<void> | void,
  ): Subscription;
  close(): Promise<void>;
}
