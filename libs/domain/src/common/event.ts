/**
 * Events are plain data: a past-tense `type` that never changes once stored, and `data`.
 * Schema changes bump `SCHEMA_VERSION` for that type and add an upcaster; stored types stay.
 */
export interface Event<Type extends string, Data extends object> {
  readonly type: Type;
  readonly data: Data;
}

/** Metadata every stored event carries (set by the command side, never by `decide`). */
export interface EventMetadata {
  /** Unique id; appending an event id that is already stored is a no-op (idempotent retry). */
  eventId: string;
  schemaVersion: number;
  /** The request (HTTP or WebSocket frame) that started the chain of work. */
  correlationId: string;
  /** The message that directly caused this event (for commands: the command id). */
  causationId: string;
  /** Authenticated user (or system principal) on whose behalf it was written. */
  actor: string;
  /** ISO-8601 UTC time the command was accepted. */
  timestamp: string;
}

/** Tamper evidence added by the event store at append time: a hash chain per stream. */
export interface ChainedMetadata extends EventMetadata {
  /** `hash` of the previous event of the same stream; 64 zeros for the first. */
  prevHash: string;
  /** sha256 over canonical JSON of {streamId, revision, type, data, metadata without hash}. */
  hash: string;
}
